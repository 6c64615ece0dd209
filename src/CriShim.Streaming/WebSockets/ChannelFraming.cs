using System.Buffers.Text;
using System.Net.WebSockets;
using CriShim.Streaming.RemoteCommand;

namespace CriShim.Streaming.WebSockets;

/// <summary>
/// The Kubernetes WebSocket channel framing: every message starts with its channel (0 stdin, 1 stdout,
/// 2 stderr, 3 error, 4 resize). Binary protocols carry the raw bytes; base64 protocols send text
/// messages whose first character is the channel digit. v5 adds <c>[255, channel]</c>: the sender
/// closes its side of that channel.
/// </summary>
public sealed class ChannelFraming
{
    public const byte Stdin = 0;
    public const byte Stdout = 1;
    public const byte Stderr = 2;
    public const byte Error = 3;
    public const byte Resize = 4;
    public const byte CloseSignal = 255;

    private ChannelFraming(string protocol, bool base64, bool closeSignal)
    {
        Protocol = protocol;
        IsBase64 = base64;
        HasCloseSignal = closeSignal;
    }

    public string Protocol { get; }

    public bool IsBase64 { get; }

    /// <summary>v5: half-closing stdin is possible.</summary>
    public bool HasCloseSignal { get; }

    public WebSocketMessageType MessageType => IsBase64 ? WebSocketMessageType.Text : WebSocketMessageType.Binary;

    /// <summary>The framing of a negotiated WebSocket subprotocol; an empty one is the original binary channel protocol.</summary>
    public static ChannelFraming For(string? protocol) => protocol switch
    {
        StreamProtocols.V5 => new(protocol, false, true),
        StreamProtocols.V4 or StreamProtocols.V1 => new(protocol, false, false),
        StreamProtocols.V4Base64 or StreamProtocols.Base64 => new(protocol, true, false),
        null or "" => new(StreamProtocols.V1, false, false),
        _ => throw new ArgumentException($"'{protocol}' is not a WebSocket channel protocol", nameof(protocol)),
    };

    public byte[] Encode(byte channel, ReadOnlySpan<byte> data)
    {
        if (!IsBase64)
        {
            var message = new byte[1 + data.Length];
            message[0] = channel;
            data.CopyTo(message.AsSpan(1));
            return message;
        }
        var encoded = new byte[1 + Base64.GetMaxEncodedToUtf8Length(data.Length)];
        encoded[0] = (byte)('0' + channel);
        Base64.EncodeToUtf8(data, encoded.AsSpan(1), out _, out var written);
        return encoded[..(1 + written)];
    }

    public byte[] EncodeClose(byte channel) =>
        HasCloseSignal ? [CloseSignal, channel] : throw new InvalidOperationException($"{Protocol} has no close signal");

    /// <summary>One received message: its channel and data, or a close signal for a channel; null for an empty message.</summary>
    public ChannelMessage? Decode(ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty)
        {
            return null;
        }
        if (HasCloseSignal && message[0] == CloseSignal)
        {
            return message.Length == 2
                ? new ChannelMessage(message[1], [], Close: true)
                : throw new WebSocketException(WebSocketError.InvalidMessageType, "a close signal must name exactly one channel");
        }
        if (!IsBase64)
        {
            return new ChannelMessage(message[0], message[1..].ToArray(), Close: false);
        }
        var channel = (byte)(message[0] - '0');
        var data = new byte[Base64.GetMaxDecodedFromUtf8Length(message.Length - 1)];
        if (Base64.DecodeFromUtf8(message[1..], data, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            throw new WebSocketException(WebSocketError.InvalidMessageType, $"channel {channel} message is not base64");
        }
        return new ChannelMessage(channel, data[..written], Close: false);
    }
}

/// <summary>A decoded channel message.</summary>
public sealed record ChannelMessage(byte Channel, byte[] Data, bool Close);
