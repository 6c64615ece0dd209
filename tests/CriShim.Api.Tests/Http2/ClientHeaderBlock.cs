using System.Text;
using CriShim.Api.Http2;

namespace CriShim.Api.Tests.Http2;

/// <summary>
/// Writes header blocks the way a client's HPACK encoder may, including the representations that use its
/// dynamic table, which the rewriter must decode and never pass on.
/// </summary>
internal sealed class ClientHeaderBlock
{
    private readonly List<byte> _octets = [];

    public ClientHeaderBlock Indexed(int index) => Integer(0x80, 7, index);

    public ClientHeaderBlock WithIndexing(int nameIndex, string value, bool huffman = false) =>
        Integer(0x40, 6, nameIndex).String(value, huffman);

    public ClientHeaderBlock WithIndexing(string name, string value, bool huffman = false) =>
        Integer(0x40, 6, 0).String(name, huffman).String(value, huffman);

    public ClientHeaderBlock WithoutIndexing(int nameIndex, string value) => Integer(0x00, 4, nameIndex).String(value, false);

    public ClientHeaderBlock NeverIndexed(string name, string value) =>
        Integer(0x10, 4, 0).String(name, false).String(value, false);

    public ClientHeaderBlock SizeUpdate(int size) => Integer(0x20, 5, size);

    public byte[] ToArray() => [.. _octets];

    private ClientHeaderBlock Integer(byte flags, int prefixBits, int value)
    {
        var prefixMax = (1 << prefixBits) - 1;
        if (value < prefixMax)
        {
            _octets.Add((byte)(flags | value));
            return this;
        }

        _octets.Add((byte)(flags | prefixMax));
        for (value -= prefixMax; value >= 0x80; value >>= 7)
        {
            _octets.Add((byte)(0x80 | (value & 0x7F)));
        }

        _octets.Add((byte)value);
        return this;
    }

    private ClientHeaderBlock String(string value, bool huffman)
    {
        if (!huffman)
        {
            Integer(0x00, 7, value.Length);
            _octets.AddRange(Encoding.Latin1.GetBytes(value));
            return this;
        }

        var coded = new byte[HpackHuffman.GetEncodedLength(value)];
        HpackHuffman.Encode(value, coded);
        Integer(0x80, 7, coded.Length);
        _octets.AddRange(coded);
        return this;
    }
}
