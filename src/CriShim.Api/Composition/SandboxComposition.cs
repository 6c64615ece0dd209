using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Sandbox;

namespace CriShim.Api.Composition;

/// <summary>Pod sandboxes: the store, cgroups (v1 or v2, probed once), the runtime helper and start-up recovery.</summary>
public static class SandboxComposition
{
    /// <summary>Needs the daemon config and an <c>IPodNetwork</c>.</summary>
    public static IServiceCollection AddCriShimSandboxes(this IServiceCollection services)
    {
        services.AddSingleton<ICgroupManager>(p => CgroupHierarchy.Detect(p.GetRequiredService<ILogger<ICgroupManager>>()));
        services.AddSingleton(RuntimeHelperBinary.BesideDaemon());
        services.AddSingleton<RuntimeHandlers>();
        services.AddSingleton<IPodInfraRuntime, PodInfraRuntime>();
        services.AddSingleton<PodSandboxStore>();
        services.AddSingleton<SandboxService>();
        services.AddHostedService<SandboxRecovery>();
        return services;
    }

    /// <summary>
    /// Rolls back sandboxes a crash left half-made, sweeps what no record names and settles the state of
    /// the rest. Hosted services start before Kestrel listens, so no call sees a half-made pod.
    /// </summary>
    private sealed class SandboxRecovery(SandboxService sandboxes) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => sandboxes.RecoverAsync();

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
