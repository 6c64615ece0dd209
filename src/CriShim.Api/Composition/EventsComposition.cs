using CriShim.Runtime.Events;

namespace CriShim.Api.Composition;

/// <summary>Container events: the broadcaster the services publish to, and the watcher that notices containers and pods ending on their own.</summary>
public static class EventsComposition
{
    public static IServiceCollection AddCriShimEvents(this IServiceCollection services)
    {
        services.AddSingleton<ContainerEventBroadcaster>();
        services.AddSingleton<ExitWatcher>();
        services.AddHostedService<ExitWatching>();
        return services;
    }

    /// <summary>Arms the exit watcher once containers and pods are recovered (hosted services start in registration order).</summary>
    private sealed class ExitWatching(ExitWatcher watcher) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            watcher.Start();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            watcher.Dispose();
            return Task.CompletedTask;
        }
    }
}
