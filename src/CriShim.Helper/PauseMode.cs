using CriShim.Native;

namespace CriShim.Helper;

/// <summary>
/// The pod's infra process: holds the pod's namespaces, reaps orphans (it is PID 1 of a shared PID
/// namespace) and exits 0 on SIGTERM or SIGINT. Signals arrive through a signalfd, never a handler.
/// </summary>
internal static class PauseMode
{
    private static readonly int[] Handled = [Signals.SIGTERM, Signals.SIGINT, Signals.SIGCHLD, Signals.SIGHUP];

    public static int Run()
    {
        if (!Signals.AreBlocked(Handled))
        {
            // The runtime's own threads started with this mask; only a fresh image makes all of them
            // inherit the blocked signals, so block on this thread and exec ourselves again.
            Signals.Block(Handled);
            Processes.Exec(Environment.ProcessPath!, [Environment.ProcessPath!, "pause"], []);
        }
        using var signals = new SignalFd(Handled);
        CodePages.ReleaseResident();
        while (true)
        {
            switch (signals.Read())
            {
                case Signals.SIGCHLD:
                    Processes.ReapChildren();
                    break;
                case Signals.SIGTERM or Signals.SIGINT:
                    return 0;
            }
        }
    }

    /// <summary>The signals pause expects blocked when it starts (sandbox-init spawns it so).</summary>
    public static IReadOnlyList<int> BlockedSignals => Handled;
}
