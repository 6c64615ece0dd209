namespace CriShim.Runtime.Streaming;

/// <summary>A terminal size from the client's resize channel, in columns and rows (TIOCSWINSZ order: rows, columns).</summary>
public readonly record struct TerminalSize(ushort Width, ushort Height);
