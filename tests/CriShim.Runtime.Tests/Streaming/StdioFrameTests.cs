using System.Text;
using CriShim.Contract;
using CriShim.Contract.Stdio;

namespace CriShim.Runtime.Tests.Streaming;

/// <summary>The stdio relay frames against hand-built datagrams: channel byte, then the payload.</summary>
public sealed class StdioFrameTests
{
    [Theory]
    [InlineData(StdioChannel.Stdin, 0)]
    [InlineData(StdioChannel.Stdout, 1)]
    [InlineData(StdioChannel.Stderr, 2)]
    public void Data_frames_are_the_channel_byte_and_the_bytes(StdioChannel channel, byte first)
    {
        var frame = StdioFrame.Data(channel, "hi\n"u8);

        Assert.Equal([first, (byte)'h', (byte)'i', (byte)'\n'], frame);
        var parsed = StdioFrame.Parse(frame);
        Assert.Equal(channel, parsed.Channel);
        Assert.Equal("hi\n"u8.ToArray(), parsed.Payload.ToArray());
    }

    [Fact]
    public void Resize_is_columns_then_rows_little_endian()
    {
        Assert.Equal([3, 0x50, 0x00, 0x18, 0x00], StdioFrame.Resize(80, 24));
        Assert.Equal(((ushort)300, (ushort)65535), StdioFrame.Parse(new byte[] { 3, 0x2c, 0x01, 0xff, 0xff }).ReadResize());
    }

    [Fact]
    public void Exit_carries_code_and_signal()
    {
        Assert.Equal([5, 137, 0, 0, 0, 9, 0, 0, 0], StdioFrame.Exit(137, 9));
        Assert.Equal((3, 0), StdioFrame.Parse(new byte[] { 5, 3, 0, 0, 0, 0, 0, 0, 0 }).ReadExit());
    }

    [Fact]
    public void Close_stdin_is_a_lone_channel_byte()
    {
        Assert.Equal([4], StdioFrame.CloseStdin());
        Assert.Equal(StdioChannel.CloseStdin, StdioFrame.Parse(new byte[] { 4 }).Channel);
    }

    [Fact]
    public void Start_failure_carries_kind_and_reason()
    {
        var frame = StdioFrame.StartFailed(StartFailure.ExecutableNotFound, "exec: \"nope\": executable file not found in $PATH");

        Assert.Equal(6, frame[0]);
        Assert.Equal((byte)StartFailure.ExecutableNotFound, frame[1]);
        Assert.Equal((StartFailure.ExecutableNotFound, "exec: \"nope\": executable file not found in $PATH"), StdioFrame.Parse(frame).ReadStartFailure());
    }

    [Fact]
    public void Data_up_to_the_maximum_fits_one_frame_and_more_is_refused()
    {
        var full = StdioFrame.Data(StdioChannel.Stdout, new byte[StdioFrame.MaxData]);

        Assert.Equal(StdioFrame.MaxLength, full.Length);
        Assert.Equal(StdioFrame.MaxData, StdioFrame.Parse(full).Payload.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => StdioFrame.Data(StdioChannel.Stdout, new byte[StdioFrame.MaxData + 1]));
        Assert.Throws<ArgumentException>(() => StdioFrame.Data(StdioChannel.Exit, "x"u8));
    }

    [Fact]
    public void A_long_failure_reason_is_cut_to_fit_one_frame()
    {
        var frame = StdioFrame.StartFailed(StartFailure.Setup, new string('x', StdioFrame.MaxData * 2));

        Assert.True(frame.Length <= StdioFrame.MaxLength);
        Assert.Equal(StdioFrame.MaxData - 1, StdioFrame.Parse(frame).ReadStartFailure().Message.Length);
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { 9, 1 }, "unknown stdio channel 9")]
    [InlineData(new byte[] { 3, 1, 2, 3 }, "malformed Resize frame of 3 bytes")]
    [InlineData(new byte[] { 4, 0 }, "malformed CloseStdin frame of 1 bytes")]
    [InlineData(new byte[] { 5, 0, 0, 0, 0 }, "malformed Exit frame of 4 bytes")]
    [InlineData(new byte[] { 6 }, "malformed StartFailure frame of 0 bytes")]
    [InlineData(new byte[] { 6, 77, 65 }, "malformed StartFailure frame of 2 bytes")]
    public void Malformed_datagrams_are_refused(byte[] datagram, string message) =>
        Assert.Contains(message, Assert.Throws<InvalidDataException>(() => StdioFrame.Parse(datagram)).Message);

    [Fact]
    public void Reading_a_frame_as_another_kind_is_a_bug()
    {
        var stdout = StdioFrame.Parse(StdioFrame.Data(StdioChannel.Stdout, Encoding.ASCII.GetBytes("12345678")));

        Assert.Throws<InvalidOperationException>(() => stdout.ReadExit());
    }
}
