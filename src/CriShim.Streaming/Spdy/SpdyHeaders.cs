using System.Buffers.Binary;
using System.Text;

namespace CriShim.Streaming.Spdy;

/// <summary>
/// A SPDY name/value header block: names are case-insensitive and sent in lower case (Go's framer
/// writes them so and canonicalises them on read); several values of one name are joined by NUL.
/// </summary>
public sealed class SpdyHeaders
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public static SpdyHeaders Empty => new();

    public int Count => _values.Count;

    public IEnumerable<KeyValuePair<string, string>> All => _values;

    public string? this[string name]
    {
        get => _values.GetValueOrDefault(name);
        set
        {
            if (value is null)
            {
                _values.Remove(name);
            }
            else
            {
                _values[name] = value;
            }
        }
    }

    public SpdyHeaders With(string name, string value)
    {
        this[name] = value;
        return this;
    }

    /// <summary>The uncompressed block: pair count, then length-prefixed names and values, all 32-bit big endian.</summary>
    public byte[] Encode()
    {
        var output = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, _values.Count);
        output.Write(length);
        foreach (var (name, value) in _values)
        {
            foreach (var text in (ReadOnlySpan<string>)[name.ToLowerInvariant(), value])
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
                output.Write(length);
                output.Write(bytes);
            }
        }
        return output.ToArray();
    }

    public static SpdyHeaders Decode(ReadOnlySpan<byte> block)
    {
        var headers = new SpdyHeaders();
        var count = ReadLength(ref block);
        for (var i = 0; i < count; i++)
        {
            var name = ReadString(ref block);
            var value = ReadString(ref block);
            if (name.Length == 0)
            {
                throw new SpdyProtocolException("header block has an empty name");
            }
            if (headers._values.ContainsKey(name))
            {
                throw new SpdyProtocolException($"header block repeats '{name}'");
            }
            headers._values[name] = value;
        }
        if (!block.IsEmpty)
        {
            throw new SpdyProtocolException("header block has bytes after its last pair");
        }
        return headers;
    }

    private static int ReadLength(ref ReadOnlySpan<byte> block)
    {
        if (block.Length < 4)
        {
            throw new SpdyProtocolException("header block ends inside a length");
        }
        var value = BinaryPrimitives.ReadUInt32BigEndian(block);
        block = block[4..];
        return value > (uint)block.Length && value > 0x00FFFFFF
            ? throw new SpdyProtocolException($"header block length {value} is too large")
            : (int)value;
    }

    private static string ReadString(ref ReadOnlySpan<byte> block)
    {
        var length = ReadLength(ref block);
        if (length > block.Length)
        {
            throw new SpdyProtocolException("header block ends inside a string");
        }
        var text = Encoding.UTF8.GetString(block[..length]);
        block = block[length..];
        return text;
    }
}
