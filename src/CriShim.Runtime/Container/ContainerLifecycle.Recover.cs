using CriShim.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerLifecycle
{
    /// <summary>
    /// At daemon start-up, before the socket serves: rolls back every container a crash left creating,
    /// sweeps what no record names, and reconciles every stored container with what its monitor recorded
    /// while the daemon was away (still running, exited with a code, or gone without a trace).
    /// </summary>
    public async Task RecoverAllAsync()
    {
        foreach (var creating in Store.Creating)
        {
            await RollBackAsync(creating.Id);
        }
        SweepOrphans();
        foreach (var container in Store.All)
        {
            try
            {
                var refreshed = containers.Refresh(container);
                log.LogInformation("container {Id} recovered: {State}{Pid}", container.Id, refreshed.Status.State,
                    refreshed.Status.State == ContainerState.ContainerRunning ? $" (pid {refreshed.Status.Pid})" : "");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                log.LogError(e, "container {Id} could not be recovered; it keeps its last known state", container.Id);
            }
        }
    }
}
