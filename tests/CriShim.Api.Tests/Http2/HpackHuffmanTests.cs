using System.Text;
using CriShim.Api.Http2;
using Xunit;

namespace CriShim.Api.Tests.Http2;

public sealed class HpackHuffmanTests
{
    [Theory]
    [InlineData("www.example.com", "f1e3 c2e5 f23a 6ba0 ab90 f4ff")]
    [InlineData("no-cache", "a8eb 1064 9cbf")]
    [InlineData("custom-key", "25a8 49e9 5ba9 7d7f")]
    [InlineData("custom-value", "25a8 49e9 5bb8 e8b4 bf")]
    [InlineData("private", "aec3 771a 4b")]
    [InlineData("Mon, 21 Oct 2013 20:13:21 GMT", "d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff")]
    [InlineData("https://www.example.com", "9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3")]
    public void EncodesAndDecodesTheStringsOfAppendixC4AndC6(string text, string huffman)
    {
        var expected = Hex.Parse(huffman);

        Assert.Equal(expected, Encode(text));
        Assert.Equal(text, Encoding.Latin1.GetString(HpackHuffman.Decode(expected)));
    }

    // Codes copied from the table of RFC 7541 Appendix B, checked against the derived canonical code.
    [Theory]
    [InlineData(0, 0x1ff8u, 13)]
    [InlineData(10, 0x3ffffffcu, 30)]
    [InlineData(' ', 0x14u, 6)]
    [InlineData('0', 0x0u, 5)]
    [InlineData('a', 0x3u, 5)]
    [InlineData('~', 0x1ffdu, 13)]
    [InlineData(127, 0xffffffcu, 28)]
    [InlineData(128, 0xfffe6u, 20)]
    [InlineData(255, 0x3ffffeeu, 26)]
    public void SingleSymbolIsItsAppendixBCodePaddedWithOnes(int symbol, uint code, int length)
    {
        var octets = (length + 7) / 8;
        var padding = octets * 8 - length;
        var padded = ((ulong)code << padding) | ((1UL << padding) - 1);
        var expected = Enumerable.Range(0, octets).Select(i => (byte)(padded >> (8 * (octets - 1 - i)))).ToArray();

        Assert.Equal(expected, Encode(((char)symbol).ToString()));
    }

    [Fact]
    public void EveryOctetRoundTrips()
    {
        var text = new string(Enumerable.Range(0, 256).Select(i => (char)i).ToArray());

        Assert.Equal(text, Encoding.Latin1.GetString(HpackHuffman.Decode(Encode(text))));
    }

    [Fact]
    public void EmptyStringEncodesToNothing()
    {
        Assert.Empty(Encode(""));
        Assert.Empty(HpackHuffman.Decode([]));
    }

    [Fact]
    public void EosInTheDataIsRefused()
    {
        Assert.Throws<HpackDecodingException>(() => HpackHuffman.Decode(Hex.Parse("ffff ffff")));
    }

    private static byte[] Encode(string text)
    {
        var output = new byte[HpackHuffman.GetEncodedLength(text)];
        HpackHuffman.Encode(text, output);
        return output;
    }
}
