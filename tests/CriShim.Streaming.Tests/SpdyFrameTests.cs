using CriShim.Streaming.Spdy;

namespace CriShim.Streaming.Tests;

public class SpdyFrameTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    private static SpdyFrame Read(byte[] bytes)
    {
        using var reader = new SpdyFrameReader(new MemoryStream(bytes));
        return reader.ReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult()!;
    }

    [Fact]
    public void Data_frame_with_and_without_fin_matches_the_draft_layout()
    {
        using var writer = new SpdyFrameWriter();
        Assert.Equal(Hex("0000000100000003616263"), writer.Encode(new DataFrame(1, false, "abc"u8.ToArray())));
        Assert.Equal(Hex("0000000701000000"), writer.Encode(new DataFrame(7, true, ReadOnlyMemory<byte>.Empty)));
        var read = Assert.IsType<DataFrame>(Read(Hex("000000010100001157726974696e6720746f2073747265616d")));
        Assert.Equal((1u, true), (read.StreamId, read.Fin));
        Assert.Equal("Writing to stream"u8.ToArray(), read.Data.ToArray());
    }

    [Fact]
    public void Control_frames_without_header_blocks_match_hand_built_bytes()
    {
        using var writer = new SpdyFrameWriter();
        Assert.Equal(Hex("80030003000000080000000500000005"), writer.Encode(new RstStreamFrame(5, SpdyResetStatus.Cancel)));
        Assert.Equal(Hex("80030006000000040000002a"), writer.Encode(new PingFrame(42)));
        Assert.Equal(Hex("80030007000000080000000300000001"), writer.Encode(new GoAwayFrame(3, SpdyGoAwayStatus.ProtocolError)));
        Assert.Equal(Hex("80030009000000080000000000010000"), writer.Encode(new WindowUpdateFrame(0, 0x10000)));
        Assert.Equal(Hex("8003000401000014000000020000000700010000010000040000000a"),
            writer.Encode(new SettingsFrame(true, [new SpdySetting(SpdySettingId.InitialWindowSize, 0x10000), new SpdySetting(SpdySettingId.MaxConcurrentStreams, 10, 1)])));
    }

    [Fact]
    public void Control_frames_read_back_with_their_fields_and_flags()
    {
        Assert.Equal(new RstStreamFrame(5, SpdyResetStatus.Cancel), Read(Hex("80030003000000080000000500000005")));
        Assert.Equal(new PingFrame(42), Read(Hex("80030006000000040000002a")));
        Assert.Equal(new GoAwayFrame(3, SpdyGoAwayStatus.ProtocolError), Read(Hex("80030007000000080000000300000001")));
        Assert.Equal(new WindowUpdateFrame(9, 1000), Read(Hex("800300090000000800000009000003e8")));
        var settings = Assert.IsType<SettingsFrame>(Read(Hex("8003000401000014000000020000000700010000010000040000000a")));
        Assert.True(settings.ClearSettings);
        Assert.Equal([new SpdySetting(SpdySettingId.InitialWindowSize, 0x10000), new SpdySetting(SpdySettingId.MaxConcurrentStreams, 10, 1)], settings.Entries);
    }

    [Fact]
    public void A_known_compressed_syn_stream_decodes_with_the_spdy3_dictionary()
    {
        // A SYN_STREAM from node-spdy's parser tests: stream 1, headers :method GET and :path /.
        var frame = Assert.IsType<SynStreamFrame>(Read(Hex(
            "800300010000002c0000000100000000000078f9e3c6a7c202e50e507ab442a45a77d7105006b32a4804974d8cfa00000000ffff")));
        Assert.Equal((1u, 0u, false, false), (frame.StreamId, frame.AssociatedStreamId, frame.Fin, frame.Unidirectional));
        Assert.Equal("GET", frame.Headers[":method"]);
        Assert.Equal("/", frame.Headers[":path"]);
    }

    [Fact]
    public async Task Header_blocks_round_trip_through_one_compression_context_per_side()
    {
        var transport = new MemoryStream();
        using (var writer = new SpdyFrameWriter())
        {
            transport.Write(writer.Encode(new SynStreamFrame(1, 0, 3, false, true, new SpdyHeaders().With("streamType", "stdout").With("Port", "8080"))));
            transport.Write(writer.Encode(new SynReplyFrame(1, true, new SpdyHeaders().With("streamType", "stdout"))));
            transport.Write(writer.Encode(new HeadersFrame(2, true, SpdyHeaders.Empty)));
        }
        var bytes = transport.ToArray();
        Assert.Equal(0x80, bytes[0]);
        Assert.Equal(0x02, bytes[4]); // UNIDIRECTIONAL flag
        using var reader = new SpdyFrameReader(new MemoryStream(bytes));
        var syn = Assert.IsType<SynStreamFrame>(await reader.ReadAsync(default));
        Assert.Equal((3, true), (syn.Priority, syn.Unidirectional));
        Assert.Equal("stdout", syn.Headers["STREAMTYPE"]);
        Assert.Equal("8080", syn.Headers["port"]);
        var reply = Assert.IsType<SynReplyFrame>(await reader.ReadAsync(default));
        Assert.True(reply.Fin);
        Assert.Equal("stdout", reply.Headers["streamtype"]);
        var headers = Assert.IsType<HeadersFrame>(await reader.ReadAsync(default));
        Assert.Equal((2u, true, 0), (headers.StreamId, headers.Fin, headers.Headers.Count));
        Assert.Null(await reader.ReadAsync(default));
    }

    [Fact]
    public void Names_are_sent_in_lower_case_in_the_plain_block()
    {
        var block = new SpdyHeaders().With("streamType", "error").Encode();
        Assert.Equal(Hex("000000010000000a73747265616d74797065000000056572726f72"), block);
    }

    [Fact]
    public void Unknown_control_frames_are_skipped_and_bad_versions_refused()
    {
        // A NOOP (type 5) then a PING.
        Assert.Equal(new PingFrame(1), Read(Hex("8003000500000000" + "800300060000000400000001")));
        var e = Assert.ThrowsAny<SpdyProtocolException>(() => Read(Hex("800200060000000400000001")));
        Assert.Contains("version 2", e.Message);
        Assert.Throws<SpdyProtocolException>(() => Read(Hex("80030006000000")));
    }
}
