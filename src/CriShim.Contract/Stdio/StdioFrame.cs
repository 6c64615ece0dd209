using System.Buffers.Binary;
using System.Text;
using CriShim.Contract;

namespace CriShim.Contract.Stdio;

/// <summary>
/// One message of the stdio relay between the daemon and a helper (the monitor's attach socket, an
/// interactive exec's socket), sent as one SOCK_SEQPACKET datagram: a <see cref="StdioChannel"/> byte
/// and its payload. Data is cut into datagrams of at most <see cref="MaxData"/> bytes.
/// </summary>
public readonly struct StdioFrame
{
    /// <summary>The most data one frame carries: well under the default unix socket send buffer.</summary>
    public const int MaxData = 32 * 1024;

    /// <summary>A receive buffer that holds any frame.</summary>
    public const int MaxLength = MaxData + 1;

    private StdioFrame(StdioChannel channel, ReadOnlyMemory<byte> payload)
    {
        Channel = channel;
        Payload = payload;
    }

    public StdioChannel Channel { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Reads a received datagram; <see cref="InvalidDataException"/> when it is not a frame.</summary>
    public static StdioFrame Parse(ReadOnlyMemory<byte> datagram)
    {
        if (datagram.Length == 0)
        {
            throw new InvalidDataException("empty stdio frame");
        }
        var channel = (StdioChannel)datagram.Span[0];
        var payload = datagram[1..];
        var expected = channel switch
        {
            StdioChannel.Stdin or StdioChannel.Stdout or StdioChannel.Stderr => payload.Length <= MaxData,
            StdioChannel.Resize => payload.Length == 4,
            StdioChannel.CloseStdin => payload.Length == 0,
            StdioChannel.Exit => payload.Length == 8,
            StdioChannel.StartFailure => payload.Length >= 1 && Enum.IsDefined((StartFailure)payload.Span[0]),
            _ => throw new InvalidDataException($"unknown stdio channel {(byte)channel}"),
        };
        return expected ? new StdioFrame(channel, payload) : throw new InvalidDataException($"malformed {channel} frame of {payload.Length} bytes");
    }

    /// <summary>A data frame for stdin, stdout or stderr (at most <see cref="MaxData"/> bytes).</summary>
    public static byte[] Data(StdioChannel channel, ReadOnlySpan<byte> data)
    {
        if (channel is not (StdioChannel.Stdin or StdioChannel.Stdout or StdioChannel.Stderr))
        {
            throw new ArgumentException($"{channel} carries no data", nameof(channel));
        }
        ArgumentOutOfRangeException.ThrowIfGreaterThan(data.Length, MaxData);
        var frame = new byte[data.Length + 1];
        frame[0] = (byte)channel;
        data.CopyTo(frame.AsSpan(1));
        return frame;
    }

    public static byte[] Resize(ushort columns, ushort rows)
    {
        var frame = new byte[5];
        frame[0] = (byte)StdioChannel.Resize;
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(1), columns);
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(3), rows);
        return frame;
    }

    public static byte[] CloseStdin() => [(byte)StdioChannel.CloseStdin];

    /// <summary><paramref name="exitCode"/> as containerd reports it (128 + signal when killed) and the signal, 0 if none.</summary>
    public static byte[] Exit(int exitCode, int signal)
    {
        var frame = new byte[9];
        frame[0] = (byte)StdioChannel.Exit;
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(1), exitCode);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(5), signal);
        return frame;
    }

    public static byte[] StartFailed(StartFailure failure, string message)
    {
        var text = Encoding.UTF8.GetBytes(message);
        var length = Math.Min(text.Length, MaxData - 1);
        var frame = new byte[length + 2];
        frame[0] = (byte)StdioChannel.StartFailure;
        frame[1] = (byte)failure;
        text.AsSpan(0, length).CopyTo(frame.AsSpan(2));
        return frame;
    }

    /// <summary>The size of a <see cref="StdioChannel.Resize"/> frame.</summary>
    public (ushort Columns, ushort Rows) ReadResize()
    {
        var payload = PayloadOf(StdioChannel.Resize);
        return (BinaryPrimitives.ReadUInt16LittleEndian(payload), BinaryPrimitives.ReadUInt16LittleEndian(payload[2..]));
    }

    /// <summary>The exit code and signal of an <see cref="StdioChannel.Exit"/> frame.</summary>
    public (int ExitCode, int Signal) ReadExit()
    {
        var payload = PayloadOf(StdioChannel.Exit);
        return (BinaryPrimitives.ReadInt32LittleEndian(payload), BinaryPrimitives.ReadInt32LittleEndian(payload[4..]));
    }

    /// <summary>The failure kind and reason of a <see cref="StdioChannel.StartFailure"/> frame.</summary>
    public (StartFailure Failure, string Message) ReadStartFailure()
    {
        var payload = PayloadOf(StdioChannel.StartFailure);
        return ((StartFailure)payload[0], Encoding.UTF8.GetString(payload[1..]));
    }

    private ReadOnlySpan<byte> PayloadOf(StdioChannel channel) =>
        Channel == channel ? Payload.Span : throw new InvalidOperationException($"a {Channel} frame read as {channel}");
}
