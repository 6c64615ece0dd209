using System.Buffers.Binary;

namespace CriShim.Streaming.Spdy;

/// <summary>
/// Turns frames into SPDY/3 bytes. Header blocks go through the session's one deflate stream, so
/// frames must be encoded in the order they are sent.
/// </summary>
public sealed class SpdyFrameWriter : IDisposable
{
    public const ushort Version = 3;
    public const byte FlagFin = 0x01;
    public const byte FlagUnidirectional = 0x02;
    public const byte FlagClearSettings = 0x01;
    public const int MaxLength = 0x00FFFFFF;

    private readonly HeaderBlockDeflater _deflater = new();

    public byte[] Encode(SpdyFrame frame) => frame switch
    {
        DataFrame f => Data(f),
        SynStreamFrame f => Control(SpdyFrameType.SynStream, Flags(f.Fin, f.Unidirectional), p =>
        {
            WriteUInt32(p, f.StreamId & 0x7FFFFFFF);
            WriteUInt32(p, f.AssociatedStreamId & 0x7FFFFFFF);
            p.WriteByte((byte)((f.Priority & 0x7) << 5));
            p.WriteByte(0);
            p.Write(_deflater.Compress(f.Headers.Encode()));
        }),
        SynReplyFrame f => Control(SpdyFrameType.SynReply, Flags(f.Fin, false), p =>
        {
            WriteUInt32(p, f.StreamId & 0x7FFFFFFF);
            p.Write(_deflater.Compress(f.Headers.Encode()));
        }),
        RstStreamFrame f => Control(SpdyFrameType.RstStream, 0, p =>
        {
            WriteUInt32(p, f.StreamId & 0x7FFFFFFF);
            WriteUInt32(p, (uint)f.Status);
        }),
        SettingsFrame f => Control(SpdyFrameType.Settings, f.ClearSettings ? FlagClearSettings : (byte)0, p =>
        {
            WriteUInt32(p, (uint)f.Entries.Count);
            foreach (var entry in f.Entries)
            {
                WriteUInt32(p, ((uint)entry.Flags << 24) | ((uint)entry.Id & 0x00FFFFFF));
                WriteUInt32(p, entry.Value);
            }
        }),
        PingFrame f => Control(SpdyFrameType.Ping, 0, p => WriteUInt32(p, f.Id)),
        GoAwayFrame f => Control(SpdyFrameType.GoAway, 0, p =>
        {
            WriteUInt32(p, f.LastGoodStreamId & 0x7FFFFFFF);
            WriteUInt32(p, (uint)f.Status);
        }),
        HeadersFrame f => Control(SpdyFrameType.Headers, Flags(f.Fin, false), p =>
        {
            WriteUInt32(p, f.StreamId & 0x7FFFFFFF);
            p.Write(_deflater.Compress(f.Headers.Encode()));
        }),
        WindowUpdateFrame f => Control(SpdyFrameType.WindowUpdate, 0, p =>
        {
            WriteUInt32(p, f.StreamId & 0x7FFFFFFF);
            WriteUInt32(p, f.Delta & 0x7FFFFFFF);
        }),
        _ => throw new ArgumentException($"unknown frame {frame.GetType().Name}", nameof(frame)),
    };

    public void Dispose() => _deflater.Dispose();

    private static byte Flags(bool fin, bool unidirectional) =>
        (byte)((fin ? FlagFin : 0) | (unidirectional ? FlagUnidirectional : 0));

    private static byte[] Data(DataFrame f)
    {
        if (f.Data.Length > MaxLength)
        {
            throw new ArgumentException($"a data frame carries at most {MaxLength} bytes");
        }
        var bytes = new byte[8 + f.Data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, f.StreamId & 0x7FFFFFFF);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), ((uint)(f.Fin ? FlagFin : 0) << 24) | (uint)f.Data.Length);
        f.Data.Span.CopyTo(bytes.AsSpan(8));
        return bytes;
    }

    private static byte[] Control(SpdyFrameType type, byte flags, Action<MemoryStream> payload)
    {
        var frame = new MemoryStream();
        frame.SetLength(8);
        frame.Position = 8;
        payload(frame);
        var length = frame.Length - 8;
        if (length > MaxLength)
        {
            throw new ArgumentException($"a {type} frame carries at most {MaxLength} bytes");
        }
        var bytes = frame.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x80000000u | ((uint)Version << 16) | (ushort)type);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), ((uint)flags << 24) | (uint)length);
        return bytes;
    }

    private static void WriteUInt32(MemoryStream stream, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        stream.Write(bytes);
    }
}
