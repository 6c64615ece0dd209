namespace CriShim.Contract.Stdio;

/// <summary>The first byte of every stdio relay message: what the rest of the datagram is.</summary>
public enum StdioChannel : byte
{
    /// <summary>Client to process: bytes for its stdin.</summary>
    Stdin = 0,

    /// <summary>Process to client: bytes it wrote to stdout (to its terminal with a tty).</summary>
    Stdout = 1,

    /// <summary>Process to client: bytes it wrote to stderr.</summary>
    Stderr = 2,

    /// <summary>Client to process: the terminal's new size, columns then rows (two little-endian u16).</summary>
    Resize = 3,

    /// <summary>Client to process: the client's stdin ended (no payload).</summary>
    CloseStdin = 4,

    /// <summary>Process to client, last: how it ended (exit code, signal: two little-endian i32). All output came before.</summary>
    Exit = 5,

    /// <summary>Process to client, instead of any output: the command could not be started (failure kind byte, UTF-8 reason).</summary>
    StartFailure = 6,
}
