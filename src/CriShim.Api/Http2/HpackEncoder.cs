using System.Buffers;
using System.Text;

namespace CriShim.Api.Http2;

/// <summary>
/// Encodes header fields as HPACK literals without indexing (RFC 7541 §6.2.2), or never indexed (§6.2.3) where
/// the field asks for it. Nothing is added to the receiver's dynamic table, so blocks need no shared state and
/// can be encoded in any order.
/// </summary>
internal static class HpackEncoder
{
    private const byte WithoutIndexing = 0x00;
    private const byte NeverIndexed = 0x10;
    private const byte Huffman = 0x80;

    public static void Encode(IEnumerable<HeaderField> fields, IBufferWriter<byte> output)
    {
        foreach (var field in fields)
        {
            // Naming a static table entry is safe: that table never changes.
            var nameIndex = HpackStaticTable.IndexOfName(field.Name);
            WriteInteger(output, field.NeverIndexed ? NeverIndexed : WithoutIndexing, 4, nameIndex);
            if (nameIndex == 0)
            {
                WriteString(output, field.Name);
            }

            WriteString(output, field.Value);
        }
    }

    /// <summary>Writes an integer with an N-bit prefix (§5.1) after the flag bits above the prefix.</summary>
    private static void WriteInteger(IBufferWriter<byte> output, byte flags, int prefixBits, int value)
    {
        // One prefix octet and at most five continuation octets for a 31-bit value.
        var span = output.GetSpan(6);
        var prefixMax = (1 << prefixBits) - 1;
        if (value < prefixMax)
        {
            span[0] = (byte)(flags | value);
            output.Advance(1);
            return;
        }

        span[0] = (byte)(flags | prefixMax);
        value -= prefixMax;
        var written = 1;
        while (value >= 0x80)
        {
            span[written++] = (byte)((value & 0x7F) | 0x80);
            value >>= 7;
        }

        span[written++] = (byte)value;
        output.Advance(written);
    }

    /// <summary>Writes a string literal (§5.2), Huffman-coded when that is shorter.</summary>
    private static void WriteString(IBufferWriter<byte> output, string value)
    {
        var huffmanLength = HpackHuffman.GetEncodedLength(value);
        if (huffmanLength < value.Length)
        {
            WriteInteger(output, Huffman, 7, huffmanLength);
            HpackHuffman.Encode(value, output.GetSpan(huffmanLength));
            output.Advance(huffmanLength);
        }
        else
        {
            WriteInteger(output, 0, 7, value.Length);
            output.Advance(Encoding.Latin1.GetBytes(value, output.GetSpan(value.Length)));
        }
    }
}
