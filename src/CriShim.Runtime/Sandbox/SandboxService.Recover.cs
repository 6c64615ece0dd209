using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Sandbox;

public sealed partial class SandboxService
{
    /// <summary>
    /// At start-up: a pod whose pause died while the daemon was down (or across a reboot) becomes
    /// NOTREADY; the kubelet then stops and removes it, which tears down what is left.
    /// </summary>
    public void Recover()
    {
        foreach (var record in store.All)
        {
            if (record.State == PodSandboxLifecycle.Ready && !record.Pause.IsAlive)
            {
                MarkPauseGone(record, "ended while crishim was down");
            }
        }
        log.LogInformation("recovered {Count} pod sandboxes", store.All.Count);
    }
}
