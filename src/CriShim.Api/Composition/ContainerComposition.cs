using CriShim.Runtime.Configuration;
using CriShim.Runtime.Container;
using CriShim.Runtime.Container.Checkpoint;
using CriShim.Runtime.Image;
using CriShim.Runtime.Sandbox;
using CriShim.Runtime.Streaming;

namespace CriShim.Api.Composition;

/// <summary>Containers: their store under <c>{root}/containers</c>, the lifecycle, inspection and exec services over the runtime helper (and the pods' <see cref="IPodContainers"/>), checkpoints with criu and start-up recovery.</summary>
public static class ContainerComposition
{
    /// <summary>Needs the sandbox and image registrations (stores, cgroups, the runtime helper binary).</summary>
    public static IServiceCollection AddCriShimContainers(this IServiceCollection services)
    {
        services.AddSingleton(p => new ContainerStore(
            Path.Combine(p.GetRequiredService<DaemonConfig>().Root, "containers"),
            p.GetRequiredService<ILogger<ContainerStore>>()));
        services.AddSingleton<ILayerUsers>(p => p.GetRequiredService<ContainerStore>());
        services.AddSingleton<IContainerRuntime, ContainerRuntimeHelper>();
        services.AddSingleton<IPodSandboxes>(p => p.GetRequiredService<PodSandboxStore>());
        services.AddSingleton<IImageResolver>(p => p.GetRequiredService<ImageStore>());
        services.AddSingleton<ContainerTracker>();
        services.AddSingleton<ContainerPlanner>();
        services.AddSingleton<ContainerLifecycle>();
        services.AddSingleton<IContainerLifecycle>(p => p.GetRequiredService<ContainerLifecycle>());
        services.AddSingleton<ContainerInspection>();
        services.AddSingleton<IContainerInspection>(p => p.GetRequiredService<ContainerInspection>());
        services.AddSingleton<IContainerExec, ContainerExec>();
        services.AddSingleton<IPodContainers, PodContainers>();
        services.AddSingleton(_ => new Criu());
        services.AddSingleton<ContainerCheckpointer>();
        services.AddSingleton<IContainerStreaming, ContainerStreaming>();
        services.AddHostedService<ContainerRecovery>();
        return services;
    }

    /// <summary>Settles every container's state from what its monitor recorded while the daemon was away.</summary>
    private sealed class ContainerRecovery(ContainerLifecycle containers) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => containers.RecoverAllAsync();

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
