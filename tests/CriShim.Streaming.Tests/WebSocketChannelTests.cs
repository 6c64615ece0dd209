using System.Net.WebSockets;
using System.Text;
using CriShim.Streaming.RemoteCommand;
using CriShim.Streaming.WebSockets;

namespace CriShim.Streaming.Tests;

public class WebSocketChannelTests
{
    [Fact]
    public void Binary_protocols_prefix_the_channel_byte()
    {
        var framing = ChannelFraming.For(StreamProtocols.V4);
        Assert.Equal(WebSocketMessageType.Binary, framing.MessageType);
        Assert.Equal(new byte[] { 1, (byte)'h', (byte)'i' }, framing.Encode(ChannelFraming.Stdout, "hi"u8));
        var message = framing.Decode(new byte[] { 2, 0xff, 0x00 })!;
        Assert.Equal((ChannelFraming.Stderr, false), (message.Channel, message.Close));
        Assert.Equal(new byte[] { 0xff, 0x00 }, message.Data);
        Assert.Null(framing.Decode([]));
    }

    [Fact]
    public void Base64_protocols_send_text_with_the_channel_digit()
    {
        var framing = ChannelFraming.For(StreamProtocols.Base64);
        Assert.Equal(WebSocketMessageType.Text, framing.MessageType);
        Assert.Equal("1aGk=", Encoding.ASCII.GetString(framing.Encode(ChannelFraming.Stdout, "hi"u8)));
        var message = framing.Decode("0AP8="u8)!;
        Assert.Equal(ChannelFraming.Stdin, message.Channel);
        Assert.Equal(new byte[] { 0x00, 0xff }, message.Data);
        Assert.Throws<WebSocketException>(() => framing.Decode("1!!!"u8));
    }

    [Fact]
    public void V5_has_a_close_signal_and_older_protocols_do_not()
    {
        var v5 = ChannelFraming.For(StreamProtocols.V5);
        Assert.Equal(new byte[] { 255, 0 }, v5.EncodeClose(ChannelFraming.Stdin));
        var close = v5.Decode(new byte[] { 255, 0 })!;
        Assert.Equal((ChannelFraming.Stdin, true), (close.Channel, close.Close));
        Assert.Throws<WebSocketException>(() => v5.Decode(new byte[] { 255, 0, 1 }));
        Assert.Throws<InvalidOperationException>(() => ChannelFraming.For(StreamProtocols.V4).EncodeClose(0));
        // Without v5, 255 is just an unknown channel.
        Assert.False(ChannelFraming.For(StreamProtocols.V4).Decode(new byte[] { 255, 0 })!.Close);
        Assert.Equal(StreamProtocols.V1, ChannelFraming.For("").Protocol);
    }
}
