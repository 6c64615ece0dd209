using CriShim.Runtime.Network;

namespace CriShim.Api.Composition;

/// <summary>Pod networking: CNI behind <see cref="IPodNetwork"/>, with its per-sandbox result cache.</summary>
public static class NetworkComposition
{
    /// <summary>Needs <see cref="CniConfigDirectory"/> (also used by Status, so both see the same config) and the daemon config.</summary>
    public static IServiceCollection AddCriShimNetwork(this IServiceCollection services)
    {
        services.AddSingleton<CniResultCache>();
        services.AddSingleton<IPodNetwork, CniNetwork>();
        return services;
    }
}
