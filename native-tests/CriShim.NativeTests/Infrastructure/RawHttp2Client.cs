using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using CriShim.Api.Http2;

namespace CriShim.NativeTests.Infrastructure;

/// <summary>
/// A bare HTTP/2 client on a unix socket that encodes its headers the way grpc-go does (literals with
/// incremental indexing, then dynamic-table references on later requests), so tests control the exact
/// <c>:authority</c> bytes a real old client puts on the wire.
/// </summary>
public sealed class RawHttp2Client : IDisposable
{
    private const byte Data = 0x0, Headers = 0x1, RstStream = 0x3, Settings = 0x4, GoAway = 0x7;
    private const byte EndStream = 0x1, EndHeaders = 0x4, Ack = 0x1;
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly NetworkStream _stream;
    private readonly HpackDecoder _responseDecoder = new(4096, 1 << 20);
    private readonly List<(string Name, string Value)> _sentTable = [];
    private int _nextStream = 1;

    public RawHttp2Client(string socketPath)
    {
        _socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        _stream = new NetworkStream(_socket, ownsSocket: false);
        _stream.Write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8);
        WriteFrame(Settings, 0, 0, []);
    }

    /// <summary>Sends one unary gRPC call and returns the response headers, message bytes and trailers.</summary>
    public async Task<GrpcReply> CallAsync(string authority, string path, byte[] message, TimeSpan timeout)
    {
        var stream = _nextStream;
        _nextStream += 2;
        var block = EncodeHeaders(
        [
            (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", authority),
            ("content-type", "application/grpc"), ("te", "trailers"), ("user-agent", "grpc-go/1.51.0"),
        ]);
        WriteFrame(Headers, EndHeaders, stream, block);
        var body = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)message.Length);
        message.CopyTo(body, 5);
        WriteFrame(Data, EndStream, stream, body);

        using var cancel = new CancellationTokenSource(timeout);
        var reply = new GrpcReply();
        while (true)
        {
            var (type, flags, id, payload) = await ReadFrameAsync(cancel.Token);
            switch (type)
            {
                case Settings when (flags & Ack) == 0:
                    WriteFrame(Settings, Ack, 0, []);
                    break;
                case GoAway:
                    throw new IOException($"server sent GOAWAY, error code {BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4))}");
                case RstStream when id == stream:
                    throw new IOException($"server reset the stream, error code {BinaryPrimitives.ReadUInt32BigEndian(payload)}");
                case Headers when id == stream:
                    var fields = _responseDecoder.Decode(payload).Select(f => (f.Name, f.Value)).ToList();
                    if (reply.Headers.Count == 0)
                    {
                        reply.Headers.AddRange(fields);
                    }
                    else
                    {
                        reply.Trailers.AddRange(fields);
                    }
                    if ((flags & EndStream) != 0)
                    {
                        return reply;
                    }
                    break;
                case Data when id == stream:
                    reply.Body.AddRange(payload);
                    break;
            }
        }
    }

    /// <summary>Literal with incremental indexing for a new field; an indexed reference once this client sent it before.</summary>
    private byte[] EncodeHeaders(IEnumerable<(string Name, string Value)> fields)
    {
        var block = new List<byte>();
        foreach (var field in fields)
        {
            var known = _sentTable.IndexOf(field);
            if (known >= 0)
            {
                AppendInteger(block, 0x80, 7, 62 + known);
                continue;
            }
            AppendInteger(block, 0x40, 6, 0);
            AppendString(block, field.Name);
            AppendString(block, field.Value);
            _sentTable.Insert(0, field);
        }
        return block.ToArray();
    }

    private static void AppendString(List<byte> block, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        AppendInteger(block, 0x00, 7, bytes.Length);
        block.AddRange(bytes);
    }

    private static void AppendInteger(List<byte> block, byte prefix, int bits, int value)
    {
        var max = (1 << bits) - 1;
        if (value < max)
        {
            block.Add((byte)(prefix | value));
            return;
        }
        block.Add((byte)(prefix | max));
        for (value -= max; value >= 0x80; value >>= 7)
        {
            block.Add((byte)(value & 0x7f | 0x80));
        }
        block.Add((byte)value);
    }

    private void WriteFrame(byte type, byte flags, int stream, byte[] payload)
    {
        var header = new byte[9];
        header[0] = (byte)(payload.Length >> 16);
        header[1] = (byte)(payload.Length >> 8);
        header[2] = (byte)payload.Length;
        header[3] = type;
        header[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(5), stream);
        _stream.Write(header);
        _stream.Write(payload);
    }

    private async Task<(byte Type, byte Flags, int Stream, byte[] Payload)> ReadFrameAsync(CancellationToken cancel)
    {
        var header = new byte[9];
        await _stream.ReadExactlyAsync(header, cancel);
        var length = header[0] << 16 | header[1] << 8 | header[2];
        var payload = new byte[length];
        await _stream.ReadExactlyAsync(payload, cancel);
        return (header[3], header[4], BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & 0x7fffffff, payload);
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }

    public sealed class GrpcReply
    {
        public List<(string Name, string Value)> Headers { get; } = [];
        public List<(string Name, string Value)> Trailers { get; } = [];
        public List<byte> Body { get; } = [];

        public string? Header(string name) => Headers.Concat(Trailers).FirstOrDefault(h => h.Name == name).Value;

        /// <summary>The single gRPC message of a unary reply, without its 5-byte prefix.</summary>
        public byte[] Message => Body.Skip(5).ToArray();
    }
}
