namespace CriShim.Contract;

/// <summary>What <c>exec</c> prints on stdout when the command ended, timed out or could not start.</summary>
public sealed record ExecResult
{
    /// <summary>The exit status, 128 + signal when killed, 127/126 (as runc) when it could not be executed.</summary>
    public int ExitCode { get; set; }

    public int Signal { get; set; }

    public bool TimedOut { get; set; }

    public byte[] Stdout { get; set; } = [];

    public byte[] Stderr { get; set; } = [];

    /// <summary>Set when the command never ran (not found, not permitted, container gone).</summary>
    public string? Error { get; set; }

    public StartFailure? Failure { get; set; }
}
