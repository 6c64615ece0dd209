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
        services.AddSingleton<ICgroupManager>(_ => CgroupHierarchy.Detect());
        services.AddSingleton(RuntimeHelperBinary.BesideDaemon());
        services.AddSingleton<RuntimeHandlers>();
        services.AddSingleton<PauseLauncher>();
        services.AddSingleton<PodSandboxStore>();
        services.AddSingleton<SandboxService>();
        services.AddHostedService<SandboxRecovery>();
        return services;
    }

    /// <summary>Reloads sandboxes and settles their state before the daemon serves requests.</summary>
    private sealed class SandboxRecovery(SandboxService sandboxes) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            sandboxes.Recover();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
