namespace CriShim.Contract;

/// <summary>What the daemon asks of a running container monitor by a signal to it.</summary>
public static class MonitorSignals
{
    /// <summary>SIGUSR1: close the CRI log file and start a new one at the same path (after the kubelet rotated it).</summary>
    public const int ReopenLog = 10;
}
