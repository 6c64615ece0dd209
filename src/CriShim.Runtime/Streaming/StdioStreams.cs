using System.Threading.Channels;

namespace CriShim.Runtime.Streaming;

/// <summary>
/// The client's side of one exec or attach as the streaming server hands it to the runtime. A stream is
/// null when the client did not ask for it; with a tty the terminal's output goes to <see cref="Stdout"/>
/// and <see cref="Stderr"/> is null.
/// </summary>
public sealed class StdioStreams
{
    /// <summary>What the client types; end of stream when the client closed its stdin.</summary>
    public Stream? Stdin { get; init; }

    public Stream? Stdout { get; init; }

    public Stream? Stderr { get; init; }

    /// <summary>Terminal sizes in the order the client sent them; completes when the client goes. Null without tty.</summary>
    public ChannelReader<TerminalSize>? Resize { get; init; }
}
