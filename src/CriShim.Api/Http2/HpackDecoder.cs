using System.Text;

namespace CriShim.Api.Http2;

/// <summary>
/// Decodes HPACK header blocks (RFC 7541) from one peer's encoder. It keeps that encoder's dynamic table, so
/// it must see every header block of the connection, in order.
/// </summary>
/// <param name="maxDynamicTableSize">The SETTINGS_HEADER_TABLE_SIZE the receiving endpoint advertised.</param>
/// <param name="maxHeaderListSize">Bound on the decoded size of one header list, so that a small block of
/// indexed references cannot expand without limit.</param>
internal sealed class HpackDecoder(int maxDynamicTableSize, int maxHeaderListSize)
{
    public HpackDynamicTable DynamicTable { get; } = new(maxDynamicTableSize);

    /// <summary>Decodes one complete header block, updating the dynamic table.</summary>
    /// <exception cref="HpackDecodingException">The block does not follow RFC 7541.</exception>
    public List<HeaderField> Decode(ReadOnlySpan<byte> block)
    {
        var fields = new List<HeaderField>();
        var listSize = 0;
        var position = 0;
        while (position < block.Length)
        {
            var first = block[position];
            HeaderField field;
            if ((first & 0x80) != 0)
            {
                // 1xxxxxxx: indexed field (§6.1).
                field = GetIndexed(ReadInteger(block, ref position, 7));
            }
            else if ((first & 0x40) != 0)
            {
                // 01xxxxxx: literal with incremental indexing (§6.2.1).
                field = ReadLiteral(block, ref position, 6, neverIndexed: false);
                DynamicTable.Add(field);
            }
            else if ((first & 0x20) != 0)
            {
                // 001xxxxx: dynamic table size update (§6.3), allowed only before the first field (§4.2).
                if (fields.Count > 0)
                {
                    throw new HpackDecodingException("Dynamic table size update after a header field.");
                }

                var size = ReadInteger(block, ref position, 5);
                if (size > maxDynamicTableSize)
                {
                    throw new HpackDecodingException(
                        $"Dynamic table size update to {size} exceeds the limit of {maxDynamicTableSize}.");
                }

                DynamicTable.Resize(size);
                continue;
            }
            else
            {
                // 0000xxxx without indexing (§6.2.2), 0001xxxx never indexed (§6.2.3).
                field = ReadLiteral(block, ref position, 4, neverIndexed: (first & 0x10) != 0);
            }

            listSize += field.Size;
            if (listSize > maxHeaderListSize)
            {
                throw new HpackDecodingException($"Header list exceeds {maxHeaderListSize} bytes.");
            }

            fields.Add(field);
        }

        return fields;
    }

    private HeaderField ReadLiteral(ReadOnlySpan<byte> block, ref int position, int prefixBits, bool neverIndexed)
    {
        var nameIndex = ReadInteger(block, ref position, prefixBits);
        var name = nameIndex == 0 ? ReadString(block, ref position) : GetIndexed(nameIndex).Name;
        var value = ReadString(block, ref position);
        return new HeaderField(name, value, neverIndexed);
    }

    private HeaderField GetIndexed(int index)
    {
        if (index == 0)
        {
            throw new HpackDecodingException("Index 0 is not a table entry.");
        }

        if (index <= HpackStaticTable.Count)
        {
            return HpackStaticTable.Get(index);
        }

        // Dynamic entries follow the static ones, newest first (§2.3.3).
        var dynamicIndex = index - HpackStaticTable.Count - 1;
        if (dynamicIndex >= DynamicTable.Count)
        {
            throw new HpackDecodingException($"Index {index} is past the end of the dynamic table.");
        }

        return DynamicTable[dynamicIndex];
    }

    /// <summary>Reads an integer with an N-bit prefix (§5.1), bounded to <see cref="int.MaxValue"/>.</summary>
    private static int ReadInteger(ReadOnlySpan<byte> block, ref int position, int prefixBits)
    {
        var prefixMax = (1 << prefixBits) - 1;
        long value = block[position++] & prefixMax;
        if (value < prefixMax)
        {
            return (int)value;
        }

        // Five continuation octets carry 35 bits, more than any int needs.
        for (var shift = 0; shift <= 28; shift += 7)
        {
            if (position >= block.Length)
            {
                throw Truncated();
            }

            var octet = block[position++];
            value += (long)(octet & 0x7F) << shift;
            if ((octet & 0x80) == 0)
            {
                return value <= int.MaxValue ? (int)value : throw new HpackDecodingException("Integer overflow.");
            }
        }

        throw new HpackDecodingException("Integer encoding is too long.");
    }

    /// <summary>Reads a string literal (§5.2), Huffman-coded or raw.</summary>
    private static string ReadString(ReadOnlySpan<byte> block, ref int position)
    {
        if (position >= block.Length)
        {
            throw Truncated();
        }

        var huffman = (block[position] & 0x80) != 0;
        var length = ReadInteger(block, ref position, 7);
        if (length > block.Length - position)
        {
            throw Truncated();
        }

        var octets = block.Slice(position, length);
        position += length;
        return huffman ? Encoding.Latin1.GetString(HpackHuffman.Decode(octets)) : Encoding.Latin1.GetString(octets);
    }

    private static HpackDecodingException Truncated() => new("Header block ends inside a field.");
}
