namespace CriShim.Contract;

/// <summary>The answer of <c>sandbox-init</c> on its stdout: the pause process, or what went wrong.</summary>
public sealed record SandboxInitResponse
{
    /// <summary>0 when the request asked for pins instead of pause.</summary>
    public int PausePid { get; init; }

    public string? Error { get; init; }

    /// <summary>True when the error is the request's fault (such as a sysctl the kernel does not have).</summary>
    public bool InvalidRequest { get; init; }
}
