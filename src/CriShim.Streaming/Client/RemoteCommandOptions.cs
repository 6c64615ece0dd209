using System.Threading.Channels;
using CriShim.Streaming.RemoteCommand;

namespace CriShim.Streaming.Client;

/// <summary>
/// The local side of an exec or attach: the streams to wire (null: not requested), whether the remote
/// side has a terminal, and the terminal sizes to send (first one right away).
/// </summary>
public sealed record RemoteCommandOptions
{
    public Stream? Stdin { get; init; }

    public Stream? Stdout { get; init; }

    /// <summary>Ignored with a terminal: its output all arrives on stdout.</summary>
    public Stream? Stderr { get; init; }

    public bool Tty { get; init; }

    public ChannelReader<ResizeMessage>? Resize { get; init; }

    /// <summary>WebSocket (v5, v4, base64, channel) instead of SPDY (v4, v3, v2, channel), the default as in crictl.</summary>
    public bool UseWebSocket { get; init; }
}
