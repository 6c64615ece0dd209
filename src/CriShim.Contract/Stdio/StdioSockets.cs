namespace CriShim.Contract.Stdio;

/// <summary>How the daemon finds the helpers' stdio relay sockets.</summary>
public static class StdioSockets
{
    /// <summary>What <c>exec-stream</c> prints on its stdout once its socket accepts the daemon's connection.</summary>
    public const string ExecListeningLine = "listening";
}
