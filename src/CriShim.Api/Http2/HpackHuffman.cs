namespace CriShim.Api.Http2;

/// <summary>
/// The Huffman code of RFC 7541 Appendix B. The appendix's code is canonical (codes of one length are
/// consecutive, in symbol order, and each length starts where the shorter ones end), so the table below keeps
/// only the code length of each symbol and the codes are derived from it.
/// </summary>
internal static class HpackHuffman
{
    private const int Eos = 256;
    private const int MaxCodeLength = 30;

    // Code length in bits of symbols 0 to 256; 256 is EOS. Sixteen symbols a row.
    private static ReadOnlySpan<byte> CodeLengths =>
    [
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0x00
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 0x10
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,         // 0x20
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,              // 0x30
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,                // 0x40
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,             // 0x50
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,                // 0x60
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,            // 0x70
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 0x80
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 0x90
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 0xa0
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 0xb0
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 0xc0
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 0xd0
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 0xe0
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 0xf0
        30,                                                             // EOS
    ];

    // Symbols ordered by (code length, symbol), which is the order of their codes.
    private static readonly int[] SymbolsInCodeOrder;

    // Per code length: the first code of that length, how many codes have it, and where its symbols start
    // in SymbolsInCodeOrder.
    private static readonly uint[] FirstCode = new uint[MaxCodeLength + 1];
    private static readonly uint[] CodeCount = new uint[MaxCodeLength + 1];
    private static readonly int[] FirstSymbol = new int[MaxCodeLength + 1];

    private static readonly uint[] Codes = new uint[Eos + 1];

    static HpackHuffman()
    {
        // A stable sort by length keeps symbol order within a length.
        var lengths = CodeLengths.ToArray();
        SymbolsInCodeOrder = Enumerable.Range(0, Eos + 1).OrderBy(s => lengths[s]).ToArray();
        foreach (var length in lengths)
        {
            CodeCount[length]++;
        }

        uint code = 0;
        var symbolIndex = 0;
        for (var length = 1; length <= MaxCodeLength; length++)
        {
            FirstCode[length] = code;
            FirstSymbol[length] = symbolIndex;
            for (var k = 0u; k < CodeCount[length]; k++)
            {
                Codes[SymbolsInCodeOrder[symbolIndex++]] = code + k;
            }

            code = (code + CodeCount[length]) << 1;
        }
    }

    /// <summary>Decodes a Huffman-coded string literal (RFC 7541 §5.2).</summary>
    /// <exception cref="HpackDecodingException">EOS in the data, or padding that is not a short run of ones.</exception>
    public static byte[] Decode(ReadOnlySpan<byte> source)
    {
        // The shortest code has 5 bits, so no input decodes to more than 8/5 octets per octet.
        var output = new byte[source.Length * 8 / 5];
        var written = 0;
        uint code = 0;
        var length = 0;
        foreach (var octet in source)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                code = (code << 1) | (uint)((octet >> bit) & 1);
                length++;

                // Below the first code of this length the difference wraps to a large number.
                var offset = code - FirstCode[length];
                if (offset >= CodeCount[length])
                {
                    continue;
                }

                var symbol = SymbolsInCodeOrder[FirstSymbol[length] + (int)offset];
                if (symbol == Eos)
                {
                    throw new HpackDecodingException("Huffman-coded string contains EOS.");
                }

                output[written++] = (byte)symbol;
                code = 0;
                length = 0;
            }
        }

        // Padding must be the most significant bits of EOS, which is all ones, and shorter than an octet.
        if (length > 7 || code != (1u << length) - 1)
        {
            throw new HpackDecodingException("Huffman-coded string has invalid padding.");
        }

        return output.AsSpan(0, written).ToArray();
    }

    /// <summary>Length in octets of the Huffman coding of Latin-1 characters.</summary>
    public static int GetEncodedLength(ReadOnlySpan<char> value)
    {
        long bits = 0;
        foreach (var ch in value)
        {
            bits += CodeLengths[ch];
        }

        return (int)((bits + 7) / 8);
    }

    /// <summary>
    /// Huffman-codes Latin-1 characters into <paramref name="destination"/>, which must hold
    /// <see cref="GetEncodedLength"/> octets.
    /// </summary>
    public static void Encode(ReadOnlySpan<char> value, Span<byte> destination)
    {
        // Holds at most 7 pending bits plus one code of at most 30; older bits shift out the top unread.
        ulong pending = 0;
        var pendingBits = 0;
        var written = 0;
        foreach (var ch in value)
        {
            pending = (pending << CodeLengths[ch]) | Codes[ch];
            pendingBits += CodeLengths[ch];
            while (pendingBits >= 8)
            {
                pendingBits -= 8;
                destination[written++] = (byte)(pending >> pendingBits);
            }
        }

        if (pendingBits > 0)
        {
            // Pad with the leading ones of EOS.
            destination[written] = (byte)((pending << (8 - pendingBits)) | (0xFFu >> pendingBits));
        }
    }
}
