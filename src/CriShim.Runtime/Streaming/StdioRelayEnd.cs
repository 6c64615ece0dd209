using CriShim.Contract;

namespace CriShim.Runtime.Streaming;

/// <summary>How a relay ended: the process's exit, its start failure, or the helper closing without either.</summary>
public sealed record StdioRelayEnd(int? ExitCode, int Signal, StartFailure? Failure, string? FailureMessage)
{
    public static readonly StdioRelayEnd Closed = new(null, 0, null, null);
}
