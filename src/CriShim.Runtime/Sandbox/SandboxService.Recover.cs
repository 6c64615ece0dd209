using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Sandbox;

public sealed partial class SandboxService
{
    /// <summary>
    /// At start-up, before the socket serves: rolls back every sandbox a crash left creating, sweeps
    /// what no record names, and marks NOTREADY the pods whose pause died (or whose pins went) while the daemon was down (the
    /// kubelet then stops and removes them, which tears down what is left).
    /// </summary>
    public async Task RecoverAsync()
    {
        foreach (var record in store.Creating)
        {
            await RollBackAsync(record.Id);
        }
        await SweepOrphansAsync();
        foreach (var record in store.All)
        {
            if (record.State == PodSandboxLifecycle.Ready && !IsHeld(record))
            {
                MarkNoLongerHeld(record, "ended while crishim was down");
            }
        }
        log.LogInformation("recovered {Count} pod sandboxes", store.All.Count);
    }
}
