using CriShim.Api.Http2;
using Xunit;

namespace CriShim.Api.Tests.Http2;

/// <summary>Decoding the examples of RFC 7541 Appendix C, and blocks the decoder must refuse.</summary>
public sealed class HpackDecoderTests
{
    private const string Date1 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private const string Date2 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private const string Location = "https://www.example.com";
    private const string Cookie = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    private static HpackDecoder NewDecoder(int tableSize = 4096) => new(tableSize, 64 * 1024);

    // RFC 7541 C.2.1.
    [Fact]
    public void LiteralWithIndexingEntersTheDynamicTable()
    {
        var decoder = NewDecoder();

        var fields = decoder.Decode(Hex.Parse("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));

        Assert.Equal([new HeaderField("custom-key", "custom-header")], fields);
        AssertTable(decoder, 55, ("custom-key", "custom-header"));
    }

    // RFC 7541 C.2.2.
    [Fact]
    public void LiteralWithoutIndexingLeavesTheTableEmpty()
    {
        var decoder = NewDecoder();

        var fields = decoder.Decode(Hex.Parse("040c 2f73 616d 706c 652f 7061 7468"));

        Assert.Equal([new HeaderField(":path", "/sample/path")], fields);
        AssertTable(decoder, 0);
    }

    // RFC 7541 C.2.3.
    [Fact]
    public void NeverIndexedLiteralIsMarkedAndNotIndexed()
    {
        var decoder = NewDecoder();

        var fields = decoder.Decode(Hex.Parse("1008 7061 7373 776f 7264 0673 6563 7265 74"));

        Assert.Equal([new HeaderField("password", "secret", NeverIndexed: true)], fields);
        AssertTable(decoder, 0);
    }

    // RFC 7541 C.2.4.
    [Fact]
    public void IndexedFieldComesFromTheStaticTable()
    {
        var decoder = NewDecoder();

        Assert.Equal([new HeaderField(":method", "GET")], decoder.Decode(Hex.Parse("82")));
        AssertTable(decoder, 0);
    }

    // RFC 7541 C.3 without Huffman, C.4 with.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RequestSequenceSharesOneDynamicTable(bool huffman)
    {
        string[] blocks = huffman
            ?
            [
                "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
                "8286 84be 5886 a8eb 1064 9cbf",
                "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
            ]
            :
            [
                "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
                "8286 84be 5808 6e6f 2d63 6163 6865",
                "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
            ];
        var decoder = NewDecoder();

        Assert.Equal(
            Fields((":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")),
            decoder.Decode(Hex.Parse(blocks[0])));
        AssertTable(decoder, 57, (":authority", "www.example.com"));

        Assert.Equal(
            Fields((":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com"),
                ("cache-control", "no-cache")),
            decoder.Decode(Hex.Parse(blocks[1])));
        AssertTable(decoder, 110, ("cache-control", "no-cache"), (":authority", "www.example.com"));

        Assert.Equal(
            Fields((":method", "GET"), (":scheme", "https"), (":path", "/index.html"),
                (":authority", "www.example.com"), ("custom-key", "custom-value")),
            decoder.Decode(Hex.Parse(blocks[2])));
        AssertTable(decoder, 164,
            ("custom-key", "custom-value"), ("cache-control", "no-cache"), (":authority", "www.example.com"));
    }

    // RFC 7541 C.5 without Huffman, C.6 with.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ResponseSequenceEvictsFromA256OctetTable(bool huffman)
    {
        string[] blocks = huffman
            ?
            [
                "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 "
                + "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
                "4883 640e ffc1 c0bf",
                "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab "
                + "77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f "
                + "9587 3160 65c0 03ed 4ee5 b106 3d50 07",
            ]
            :
            [
                "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 "
                + "2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 "
                + "6c65 2e63 6f6d",
                "4803 3330 37c1 c0bf",
                "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d "
                + "54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 "
                + "5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e "
                + "3d31",
            ];
        var decoder = NewDecoder(256);

        Assert.Equal(
            Fields((":status", "302"), ("cache-control", "private"), ("date", Date1), ("location", Location)),
            decoder.Decode(Hex.Parse(blocks[0])));
        AssertTable(decoder, 222,
            ("location", Location), ("date", Date1), ("cache-control", "private"), (":status", "302"));

        Assert.Equal(
            Fields((":status", "307"), ("cache-control", "private"), ("date", Date1), ("location", Location)),
            decoder.Decode(Hex.Parse(blocks[1])));
        AssertTable(decoder, 222,
            (":status", "307"), ("location", Location), ("date", Date1), ("cache-control", "private"));

        Assert.Equal(
            Fields((":status", "200"), ("cache-control", "private"), ("date", Date2), ("location", Location),
                ("content-encoding", "gzip"), ("set-cookie", Cookie)),
            decoder.Decode(Hex.Parse(blocks[2])));
        AssertTable(decoder, 215, ("set-cookie", Cookie), ("content-encoding", "gzip"), ("date", Date2));
    }

    [Fact]
    public void SizeUpdateAtTheStartOfABlockEvictsEntries()
    {
        var decoder = NewDecoder();
        decoder.Decode(Hex.Parse("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));

        // 001 00000: size 0, then :method GET.
        Assert.Equal([new HeaderField(":method", "GET")], decoder.Decode(Hex.Parse("20 82")));

        AssertTable(decoder, 0);
        Assert.Equal(0, decoder.DynamicTable.MaxSize);
    }

    [Theory]
    [InlineData("80", "index 0")]
    [InlineData("be", "dynamic index 62 in an empty table")]
    [InlineData("ff80 8080 8080", "integer encoding longer than five continuation octets")]
    [InlineData("ff ff ff ff ff 7f", "integer beyond int range")]
    [InlineData("3fe2 1f", "size update to 4097, above the advertised 4096")]
    [InlineData("82 20", "size update after a field")]
    [InlineData("040c 2f73 616d", "string shorter than its length")]
    [InlineData("04", "literal cut before its value")]
    [InlineData("ff", "integer cut inside its continuation")]
    [InlineData("0484 ffff ffff", "Huffman string that is EOS")]
    [InlineData("0481 00", "Huffman padding of zeros")]
    [InlineData("0482 1fff", "Huffman padding longer than seven bits")]
    public void InvalidBlockIsADecodingError(string block, string because)
    {
        var decoder = NewDecoder();

        var error = Record.Exception(() => decoder.Decode(Hex.Parse(block)));

        Assert.True(error is HpackDecodingException, $"{because}: got {error?.GetType().Name ?? "no error"}");
    }

    [Fact]
    public void HeaderListBeyondTheLimitIsADecodingError()
    {
        var decoder = new HpackDecoder(4096, maxHeaderListSize: 100);
        decoder.Decode(Hex.Parse("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));

        // The 55-octet entry twice is 110 octets of header list from a two-octet block.
        Assert.Throws<HpackDecodingException>(() => decoder.Decode(Hex.Parse("be be")));
    }

    private static List<HeaderField> Fields(params (string Name, string Value)[] fields) =>
        fields.Select(f => new HeaderField(f.Name, f.Value)).ToList();

    private static void AssertTable(HpackDecoder decoder, int size, params (string Name, string Value)[] newestFirst)
    {
        var table = decoder.DynamicTable;
        Assert.Equal(newestFirst, Enumerable.Range(0, table.Count).Select(i => (table[i].Name, table[i].Value)));
        Assert.Equal(size, table.Size);
    }
}
