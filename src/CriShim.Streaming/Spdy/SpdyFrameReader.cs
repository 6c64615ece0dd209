using System.Buffers.Binary;

namespace CriShim.Streaming.Spdy;

/// <summary>
/// Reads SPDY/3 frames off a byte stream. Header blocks go through the session's one inflate stream;
/// control frames of unknown or obsolete types are skipped as the draft says.
/// </summary>
public sealed class SpdyFrameReader(Stream input) : IDisposable
{
    private readonly HeaderBlockInflater _inflater = new();
    private readonly byte[] _header = new byte[8];

    /// <summary>The next frame, or null when the stream ended cleanly between frames.</summary>
    public async ValueTask<SpdyFrame?> ReadAsync(CancellationToken cancel)
    {
        while (true)
        {
            if (!await FillAsync(_header, cancel))
            {
                return null;
            }
            var first = BinaryPrimitives.ReadUInt32BigEndian(_header);
            var second = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4));
            var flags = (byte)(second >> 24);
            var length = (int)(second & 0x00FFFFFF);
            var payload = new byte[length];
            if (!await FillAsync(payload, cancel))
            {
                throw new SpdyProtocolException("connection ended inside a frame");
            }
            if ((first & 0x80000000) == 0)
            {
                return new DataFrame(first & 0x7FFFFFFF, (flags & SpdyFrameWriter.FlagFin) != 0, payload);
            }
            var version = (first >> 16) & 0x7FFF;
            if (version != SpdyFrameWriter.Version)
            {
                throw new SpdyProtocolException($"SPDY version {version} is not supported (only 3)");
            }
            var frame = Control((SpdyFrameType)(first & 0xFFFF), flags, payload);
            if (frame is not null)
            {
                return frame;
            }
        }
    }

    public void Dispose() => _inflater.Dispose();

    private SpdyFrame? Control(SpdyFrameType type, byte flags, byte[] payload)
    {
        var fin = (flags & SpdyFrameWriter.FlagFin) != 0;
        ReadOnlySpan<byte> p = payload;
        switch (type)
        {
            case SpdyFrameType.SynStream:
                Need(type, p, 10);
                return new SynStreamFrame(StreamId(p), StreamId(p[4..]), (byte)(p[8] >> 5), fin,
                    (flags & SpdyFrameWriter.FlagUnidirectional) != 0, Headers(p[10..]));
            case SpdyFrameType.SynReply:
                Need(type, p, 4);
                return new SynReplyFrame(StreamId(p), fin, Headers(p[4..]));
            case SpdyFrameType.Headers:
                Need(type, p, 4);
                return new HeadersFrame(StreamId(p), fin, Headers(p[4..]));
            case SpdyFrameType.RstStream:
                Exactly(type, p, 8);
                return new RstStreamFrame(StreamId(p), (SpdyResetStatus)BinaryPrimitives.ReadUInt32BigEndian(p[4..]));
            case SpdyFrameType.Settings:
                Need(type, p, 4);
                var count = BinaryPrimitives.ReadUInt32BigEndian(p);
                if ((ulong)p.Length != 4 + (count * 8UL))
                {
                    throw new SpdyProtocolException($"SETTINGS frame of {p.Length} bytes cannot hold {count} entries");
                }
                var entries = new List<SpdySetting>((int)count);
                for (var i = 0; i < (int)count; i++)
                {
                    var idFlags = BinaryPrimitives.ReadUInt32BigEndian(p[(4 + (i * 8))..]);
                    entries.Add(new SpdySetting((SpdySettingId)(idFlags & 0x00FFFFFF),
                        BinaryPrimitives.ReadUInt32BigEndian(p[(8 + (i * 8))..]), (byte)(idFlags >> 24)));
                }
                return new SettingsFrame((flags & SpdyFrameWriter.FlagClearSettings) != 0, entries);
            case SpdyFrameType.Ping:
                Exactly(type, p, 4);
                return new PingFrame(BinaryPrimitives.ReadUInt32BigEndian(p));
            case SpdyFrameType.GoAway:
                Exactly(type, p, 8);
                return new GoAwayFrame(StreamId(p), (SpdyGoAwayStatus)BinaryPrimitives.ReadUInt32BigEndian(p[4..]));
            case SpdyFrameType.WindowUpdate:
                Exactly(type, p, 8);
                return new WindowUpdateFrame(StreamId(p), BinaryPrimitives.ReadUInt32BigEndian(p[4..]) & 0x7FFFFFFF);
            default:
                return null;
        }
    }

    private SpdyHeaders Headers(ReadOnlySpan<byte> compressed) => SpdyHeaders.Decode(_inflater.Decompress(compressed));

    private static uint StreamId(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadUInt32BigEndian(p) & 0x7FFFFFFF;

    private static void Need(SpdyFrameType type, ReadOnlySpan<byte> p, int length)
    {
        if (p.Length < length)
        {
            throw new SpdyProtocolException($"{type} frame of {p.Length} bytes is too short");
        }
    }

    private static void Exactly(SpdyFrameType type, ReadOnlySpan<byte> p, int length)
    {
        if (p.Length != length)
        {
            throw new SpdyProtocolException($"{type} frame has {p.Length} bytes, not {length}");
        }
    }

    private async ValueTask<bool> FillAsync(byte[] buffer, CancellationToken cancel)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await input.ReadAsync(buffer.AsMemory(read), cancel);
            if (n == 0)
            {
                return read == 0 ? false : throw new SpdyProtocolException("connection ended inside a frame");
            }
            read += n;
        }
        return true;
    }
}
