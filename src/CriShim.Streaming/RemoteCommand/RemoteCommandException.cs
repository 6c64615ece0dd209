namespace CriShim.Streaming.RemoteCommand;

/// <summary>A remote command that failed for a reason other than its exit code, with the server's message.</summary>
public sealed class RemoteCommandException(string message) : Exception(message);
