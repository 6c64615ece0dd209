using System.Buffers;
using CriShim.Api.Http2;
using Xunit;
using static CriShim.Api.Tests.Http2.Http2Frames;

namespace CriShim.Api.Tests.Http2;

public sealed class AuthorityRewriterTests
{
    private const Http2FrameFlags EndHeaders = Http2FrameFlags.EndHeaders;
    private const Http2FrameFlags EndStream = Http2FrameFlags.EndStream;

    private static readonly byte[] EmptySettings = Frame(Settings, Http2FrameFlags.None, 0);

    [Fact]
    public void SocketPathAuthorityBecomesLocalhost()
    {
        var block = new ClientHeaderBlock()
            .Indexed(3) // :method POST
            .Indexed(6) // :scheme http
            .WithoutIndexing(4, "/runtime.v1.RuntimeService/Version")
            .WithIndexing(1, "/run/x.sock")
            .WithIndexing("content-type", "application/grpc")
            .ToArray();
        byte[] input = [.. Preface, .. EmptySettings, .. Frame(Http2FrameType.Headers, EndHeaders, 1, block)];

        var output = Rewrite(input);

        var frames = ParseAfterPreface(output);
        Assert.Equal(EmptySettings, output.Skip(Preface.Length).Take(EmptySettings.Length));
        Assert.Equal(2, frames.Count);
        var request = Assert.Single(DecodeRequests(output));
        Assert.Equal(1, request.StreamId);
        Assert.Equal(EndHeaders, request.Flags);
        Assert.Equal(
            [
                new(":method", "POST"),
                new(":scheme", "http"),
                new(":path", "/runtime.v1.RuntimeService/Version"),
                new(":authority", "localhost"),
                new("content-type", "application/grpc"),
            ],
            request.Fields);
    }

    [Theory]
    [InlineData("localhost:1234")]
    [InlineData("localhost")]
    [InlineData("[::1]:10010")]
    public void ValidAuthorityIsKept(string authority)
    {
        var block = new ClientHeaderBlock().Indexed(2).Indexed(6).Indexed(4).WithIndexing(1, authority, huffman: true).ToArray();
        byte[] input = [.. Preface, .. Frame(Http2FrameType.Headers, EndHeaders | EndStream, 1, block)];

        var request = Assert.Single(DecodeRequests(Rewrite(input)));

        Assert.Equal(new HeaderField(":authority", authority), request.Fields[3]);
        Assert.Equal(EndHeaders | EndStream, request.Flags);
    }

    [Fact]
    public void HeaderBlockSplitOverContinuationFramesIsSentAsOneHeadersFrame()
    {
        var block = new ClientHeaderBlock()
            .Indexed(3)
            .Indexed(6)
            .WithoutIndexing(4, "/runtime.v1.ImageService/ListImages")
            .WithIndexing(1, "/run/crishim/crishim.sock", huffman: true)
            .WithIndexing("user-agent", "grpc-go/1.51.0", huffman: true)
            .ToArray();
        byte[] input =
        [
            .. Preface,
            .. Frame(Http2FrameType.Headers, EndStream, 1, block[..5]),
            .. Frame(Http2FrameType.Continuation, Http2FrameFlags.None, 1, block[5..20]),
            .. Frame(Http2FrameType.Continuation, EndHeaders, 1, block[20..]),
        ];

        var output = Rewrite(input);

        var frame = Assert.Single(ParseAfterPreface(output));
        Assert.Equal(Http2FrameType.Headers, frame.Header.Type);
        Assert.Equal(EndHeaders | EndStream, frame.Header.Flags);
        var request = Assert.Single(DecodeRequests(output));
        Assert.Equal(new HeaderField(":authority", "localhost"), request.Fields[3]);
        Assert.Equal(new HeaderField("user-agent", "grpc-go/1.51.0"), request.Fields[4]);
    }

    [Fact]
    public void PaddingIsDroppedAndPriorityKept()
    {
        var block = new ClientHeaderBlock().Indexed(2).Indexed(6).Indexed(4).WithIndexing(1, "/run/x.sock").ToArray();
        byte[] priority = [0x80, 0x00, 0x00, 0x00, 0xC8]; // exclusive, depends on stream 0, weight 200
        byte[] padding = new byte[7];
        byte[] input =
        [
            .. Preface,
            .. Frame(
                Http2FrameType.Headers,
                Http2FrameFlags.Padded | Http2FrameFlags.Priority | EndHeaders | EndStream,
                3,
                [(byte)padding.Length, .. priority, .. block, .. padding]),
        ];

        var output = Rewrite(input);

        var frame = Assert.Single(ParseAfterPreface(output));
        Assert.Equal(Http2FrameFlags.Priority | EndHeaders | EndStream, frame.Header.Flags);
        Assert.Equal(priority, frame.Payload[..5]);
        var fields = new HpackDecoder(4096, 64 * 1024).Decode(frame.Payload.AsSpan(5));
        Assert.Equal(new HeaderField(":authority", "localhost"), fields[3]);
    }

    [Fact]
    public void BlockLargerThanTheDefaultFrameSizeIsSplitIntoContinuationFrames()
    {
        // Raw octets above 0x80 have long Huffman codes, so the encoder keeps them raw: 40000 octets of value.
        var value = new string('\u00e9', 40_000);
        var block = new ClientHeaderBlock().Indexed(3).Indexed(6).Indexed(4).WithIndexing(1, "/x.sock")
            .WithoutIndexing(58, value) // user-agent
            .ToArray();
        byte[] priority = [0x00, 0x00, 0x00, 0x01, 0x0F];
        var headers = Frame(Http2FrameType.Headers, Http2FrameFlags.Priority | EndStream, 5, [.. priority, .. block[..16_000]]);
        var continuation = Frame(Http2FrameType.Continuation, EndHeaders, 5, block[16_000..]);
        byte[] input = [.. Preface, .. headers, .. continuation];

        var output = Rewrite(input);

        var frames = ParseAfterPreface(output);
        Assert.Equal(
            [
                (Http2FrameType.Headers, Http2FrameFlags.Priority | EndStream, 16_384),
                (Http2FrameType.Continuation, Http2FrameFlags.None, 16_384),
                (Http2FrameType.Continuation, EndHeaders, frames[2].Payload.Length),
            ],
            frames.Select(f => (f.Header.Type, f.Header.Flags, f.Header.Length)));
        Assert.All(frames, f => Assert.Equal(5, f.Header.StreamId));
        Assert.Equal(priority, frames[0].Payload[..5]);
        var request = Assert.Single(DecodeRequests(output));
        Assert.Equal(new HeaderField(":authority", "localhost"), request.Fields[3]);
        Assert.Equal(new HeaderField("user-agent", value), request.Fields[4]);
    }

    [Fact]
    public void SecondRequestThatRefersToTheClientsDynamicTableIsDecodedRight()
    {
        byte[] input = [.. Preface, .. EmptySettings, .. TwoRequestsSharingTheDynamicTable()];

        var requests = DecodeRequests(Rewrite(input));

        Assert.Equal([1, 3], requests.Select(r => r.StreamId));
        HeaderField[] expected =
        [
            new(":method", "POST"),
            new(":scheme", "http"),
            new(":path", "/runtime.v1.RuntimeService/Status"),
            new(":authority", "localhost"),
            new("user-agent", "grpc-go/1.51.0"),
        ];
        Assert.Equal(expected, requests[1].Fields);
    }

    [Fact]
    public void DataAndOtherFramesPassThroughByteForByte()
    {
        // A padded DATA frame whose payload looks like a HEADERS frame header, then PING and WINDOW_UPDATE.
        byte[] lookalike = [0x00, 0x00, 0x01, 0x01, 0x05, 0x00, 0x00, 0x00, 0x01, 0xBE, 0x02, 0x00, 0x00];
        byte[] untouched =
        [
            .. Frame(Data, Http2FrameFlags.Padded, 1, lookalike),
            .. Frame(Data, EndStream, 1, 0x00, 0x00, 0x00, 0x00, 0x05, 0x68, 0x65, 0x6C, 0x6C, 0x6F),
            .. Frame(Ping, Http2FrameFlags.None, 0, 1, 2, 3, 4, 5, 6, 7, 8),
            .. Frame(WindowUpdate, Http2FrameFlags.None, 0, 0x00, 0x01, 0x00, 0x00),
            .. Frame((Http2FrameType)0xF0, Http2FrameFlags.None, 0, 0xAA), // unknown type
        ];
        var block = new ClientHeaderBlock().Indexed(3).Indexed(6).Indexed(4).WithIndexing(1, "/x.sock").ToArray();
        var headers = Frame(Http2FrameType.Headers, EndHeaders, 1, block);
        byte[] input = [.. Preface, .. headers, .. untouched];

        var output = Rewrite(input);

        var rewrittenHeaders = Http2FrameHeader.Size + ParseAfterPreface(output)[0].Header.Length;
        Assert.Equal(untouched, output.Skip(Preface.Length + rewrittenHeaders));
    }

    [Fact]
    public void NeverIndexedFieldsStayNeverIndexed()
    {
        var block = new ClientHeaderBlock().Indexed(3).Indexed(6).Indexed(4).NeverIndexed("authorization", "secret").ToArray();
        byte[] input = [.. Preface, .. Frame(Http2FrameType.Headers, EndHeaders, 1, block)];

        var request = Assert.Single(DecodeRequests(Rewrite(input)));

        Assert.Equal(new HeaderField("authorization", "secret", NeverIndexed: true), request.Fields[3]);
    }

    [Fact]
    public void DynamicTableSizeUpdatesAreAppliedAndNotPassedOn()
    {
        var first = new ClientHeaderBlock().Indexed(3).Indexed(6).Indexed(4).WithIndexing(1, "/x.sock").ToArray();
        // Size 0 empties the client's table; then the authority must come as a new literal.
        var second = new ClientHeaderBlock().SizeUpdate(0).SizeUpdate(4096).Indexed(3).Indexed(6).Indexed(4)
            .WithIndexing(1, "/y.sock").ToArray();
        byte[] input =
        [
            .. Preface,
            .. Frame(Http2FrameType.Headers, EndHeaders, 1, first),
            .. Frame(Http2FrameType.Headers, EndHeaders, 3, second),
        ];

        var output = Rewrite(input);

        var frames = ParseAfterPreface(output);
        Assert.All(frames, f => Assert.NotEqual(0x20, f.Payload[0] & 0xE0));
        Assert.Equal(2, DecodeRequests(output).Count);
    }

    public static TheoryData<int> SplitSizes => new(1, 2, 3, 5, 7, 9, 10, 13, 24, 25, 33, 64, 100, 1000);

    [Theory]
    [MemberData(nameof(SplitSizes))]
    public void FramesSplitAtAnyByteBoundaryGiveTheSameOutput(int readSize)
    {
        var block = new ClientHeaderBlock().Indexed(3).Indexed(6).WithoutIndexing(4, "/a")
            .WithIndexing(1, "/run/x.sock", huffman: true).ToArray();
        byte[] input =
        [
            .. Preface,
            .. EmptySettings,
            .. Frame(
                Http2FrameType.Headers,
                Http2FrameFlags.Padded | Http2FrameFlags.Priority,
                1,
                [3, 0, 0, 0, 0, 16, .. block[..4], 0, 0, 0]),
            .. Frame(Http2FrameType.Continuation, EndHeaders, 1, block[4..]),
            .. Frame(Data, EndStream, 1, 0, 0, 0, 0, 2, 0x0A, 0x00),
            .. TwoRequestsSharingTheDynamicTable(firstStreamId: 3),
            .. Frame(Ping, Http2FrameFlags.None, 0, 8, 7, 6, 5, 4, 3, 2, 1),
        ];
        var whole = Rewrite(input);

        var split = RewriteInReads(input, readSize);

        Assert.Equal(whole, split);
        Assert.Equal(3, DecodeRequests(split).Count);
    }

    [Fact]
    public void UndecodableHeaderBlockFails()
    {
        byte[] input = [.. Preface, .. Frame(Http2FrameType.Headers, EndHeaders, 1, 0x80)];

        Assert.Throws<HpackDecodingException>(() => Rewrite(input));
    }

    [Fact]
    public void FrameBetweenHeadersAndContinuationFails()
    {
        var block = new ClientHeaderBlock().Indexed(3).Indexed(6).Indexed(4).ToArray();
        byte[] input =
        [
            .. Preface,
            .. Frame(Http2FrameType.Headers, Http2FrameFlags.None, 1, block),
            .. Frame(Ping, Http2FrameFlags.None, 0, 1, 2, 3, 4, 5, 6, 7, 8),
        ];

        Assert.Throws<Http2ProtocolException>(() => Rewrite(input));
    }

    [Fact]
    public void PaddingLongerThanThePayloadFails()
    {
        byte[] input = [.. Preface, .. Frame(Http2FrameType.Headers, Http2FrameFlags.Padded | EndHeaders, 1, 5, 0x82)];

        Assert.Throws<Http2ProtocolException>(() => Rewrite(input));
    }

    [Fact]
    public void HeaderBlockBeyondTheLimitFailsBeforeItIsBuffered()
    {
        var rewriter = new AuthorityRewriter(4096, maxHeaderBlockSize: 100);
        var header = new byte[Http2FrameHeader.Size];
        new Http2FrameHeader(101, Http2FrameType.Headers, EndHeaders, 1).WriteTo(header);

        Assert.Throws<Http2ProtocolException>(
            () => rewriter.Rewrite(new ReadOnlySequence<byte>([.. Preface, .. header]), new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public void StreamThatIsNotHttp2PassesThroughUnchanged()
    {
        var input = "GET / HTTP/1.1\r\nHost: /run/x.sock\r\n\r\n"u8.ToArray();

        Assert.Equal(input, Rewrite(input));
        Assert.Equal(input, RewriteInReads(input, 1));
    }

    [Fact]
    public void IncompleteFrameIsHeldBack()
    {
        var block = new ClientHeaderBlock().Indexed(3).ToArray();
        byte[] input = [.. Preface, .. Frame(Http2FrameType.Headers, EndHeaders, 1, block)];
        var rewriter = NewRewriter();
        var output = new ArrayBufferWriter<byte>();
        var sequence = new ReadOnlySequence<byte>(input[..^1]);

        var consumed = rewriter.Rewrite(sequence, output);

        Assert.Equal(Preface.Length, sequence.Slice(0, consumed).Length);
        Assert.Equal(Preface, output.WrittenSpan.ToArray());
    }

    // Stream firstStreamId indexes the authority and user agent; the next stream refers to them by index.
    private static byte[] TwoRequestsSharingTheDynamicTable(int firstStreamId = 1)
    {
        var first = new ClientHeaderBlock()
            .Indexed(3)
            .Indexed(6)
            .WithIndexing(4, "/runtime.v1.RuntimeService/Version")
            .WithIndexing(1, "/run/crishim/crishim.sock", huffman: true)
            .WithIndexing(58, "grpc-go/1.51.0")
            .ToArray();

        // Newest first: 62 user-agent, 63 :authority, 64 :path of the first request.
        var second = new ClientHeaderBlock()
            .Indexed(3)
            .Indexed(6)
            .WithoutIndexing(4, "/runtime.v1.RuntimeService/Status")
            .Indexed(63)
            .Indexed(62)
            .ToArray();
        return
        [
            .. Frame(Http2FrameType.Headers, EndHeaders | EndStream, firstStreamId, first),
            .. Frame(Http2FrameType.Headers, EndHeaders | EndStream, firstStreamId + 2, second),
        ];
    }

    private static AuthorityRewriter NewRewriter() => new(4096, 1024 * 1024);

    private static byte[] Rewrite(byte[] input)
    {
        var output = new ArrayBufferWriter<byte>();
        var sequence = new ReadOnlySequence<byte>(input);

        var consumed = NewRewriter().Rewrite(sequence, output);

        Assert.Equal(sequence.End, consumed);
        return output.WrittenSpan.ToArray();
    }

    // Offers the input as a transport would: readSize octets arrive per read, appended to what the rewriter
    // left unconsumed, in segments of readSize octets.
    private static byte[] RewriteInReads(byte[] input, int readSize)
    {
        var rewriter = NewRewriter();
        var output = new ArrayBufferWriter<byte>();
        var pending = new List<byte>();
        for (var offset = 0; offset < input.Length; offset += readSize)
        {
            pending.AddRange(input.Skip(offset).Take(readSize));
            var sequence = Segmented([.. pending], readSize);
            var consumed = rewriter.Rewrite(sequence, output);
            pending.RemoveRange(0, (int)sequence.Slice(0, consumed).Length);
        }

        Assert.Empty(pending);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Decodes the rewritten header blocks as Kestrel would, with one decoder for the connection, and checks
    /// that they left its dynamic table empty.
    /// </summary>
    private static List<(int StreamId, Http2FrameFlags Flags, List<HeaderField> Fields)> DecodeRequests(byte[] output)
    {
        var decoder = new HpackDecoder(4096, 1024 * 1024);
        var requests = new List<(int, Http2FrameFlags, List<HeaderField>)>();
        var frames = ParseAfterPreface(output);
        for (var i = 0; i < frames.Count; i++)
        {
            var (header, payload) = frames[i];
            if (header.Type != Http2FrameType.Headers)
            {
                continue;
            }

            Assert.False(header.Flags.HasFlag(Http2FrameFlags.Padded));
            var block = new List<byte>(payload.Skip(header.Flags.HasFlag(Http2FrameFlags.Priority) ? 5 : 0));
            var last = header;
            while (!last.Flags.HasFlag(Http2FrameFlags.EndHeaders))
            {
                (last, payload) = frames[++i];
                Assert.Equal(Http2FrameType.Continuation, last.Type);
                block.AddRange(payload);
            }

            requests.Add((header.StreamId, header.Flags, decoder.Decode(block.ToArray())));
        }

        Assert.Equal(0, decoder.DynamicTable.Count);
        return requests;
    }
}
