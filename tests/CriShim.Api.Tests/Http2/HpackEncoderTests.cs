using System.Buffers;
using CriShim.Api.Http2;
using Xunit;

namespace CriShim.Api.Tests.Http2;

public sealed class HpackEncoderTests
{
    [Fact]
    public void FieldsRoundTripWithoutTouchingTheReceiversDynamicTable()
    {
        List<HeaderField> fields =
        [
            new(":method", "POST"),
            new(":authority", "localhost"),
            new(":path", "/runtime.v1.RuntimeService/Version"),
            new("content-type", "application/grpc"),
            new("x-custom", ""),
            new("authorization", "Bearer secret", NeverIndexed: true),
            new("x-latin1", "\u0080caf\u00e9\u00ff"),
            // Longer than a 7-bit prefix holds, so the length takes continuation octets.
            new("x-long", new string('z', 300)),
            new("x-incompressible", "\u0001\u0002\u0003"),
        ];
        var decoder = new HpackDecoder(4096, 64 * 1024);

        var decoded = decoder.Decode(Encode(fields));

        Assert.Equal(fields, decoded);
        Assert.Equal(0, decoder.DynamicTable.Count);
    }

    [Fact]
    public void StaticTableNamesAreReferencedByIndex()
    {
        // 0000 0001: without indexing, name :authority; 1 000 0001 "a" raw.
        Assert.Equal(Hex.Parse("01 0161"), Encode([new(":authority", "a")]));

        // 0001 1111 0000 1000: never indexed, name index 15 + 8 = 23 (authorization); 0 000 0001 "b".
        Assert.Equal(Hex.Parse("1f08 0162"), Encode([new("authorization", "b", NeverIndexed: true)]));
    }

    [Fact]
    public void NewNamesAndShorterHuffmanValuesUseTheRfcCodings()
    {
        // Name and value as in RFC 7541 C.4.3, but without indexing.
        Assert.Equal(
            Hex.Parse("0088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"),
            Encode([new("custom-key", "custom-value")]));
    }

    private static byte[] Encode(IEnumerable<HeaderField> fields)
    {
        var output = new ArrayBufferWriter<byte>();
        HpackEncoder.Encode(fields, output);
        return output.WrittenSpan.ToArray();
    }
}
