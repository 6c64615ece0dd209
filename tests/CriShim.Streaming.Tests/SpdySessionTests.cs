using System.Net;
using System.Net.Sockets;
using System.Text;
using CriShim.Streaming.Spdy;

namespace CriShim.Streaming.Tests;

/// <summary>Two sessions over a loopback TCP connection: the client opens odd streams, the server even ones.</summary>
public sealed class SpdySessionTests : IAsyncLifetime
{
    private SpdySession _client = null!;
    private SpdySession _server = null!;

    public async Task InitializeAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connect = new TcpClient();
        await connect.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var accepted = await listener.AcceptTcpClientAsync();
        _client = new SpdySession(connect.GetStream(), isServer: false);
        _server = new SpdySession(accepted.GetStream(), isServer: true);
        await Task.WhenAll(_client.StartAsync(), _server.StartAsync());
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Streams_open_with_headers_get_replies_and_carry_data_both_ways_until_fin()
    {
        var opened = await _client.OpenStreamAsync(new SpdyHeaders().With("streamType", "stdin"));
        var accepted = await _server.AcceptedStreams.ReadAsync();
        Assert.Equal((1u, "stdin"), (accepted.Id, accepted.Headers["streamtype"]));
        await accepted.ReplyAsync(new SpdyHeaders().With("ok", "yes"));
        Assert.Equal("yes", (await opened.Reply)["ok"]);

        await opened.WriteAsync("hello"u8.ToArray());
        await opened.CloseWriteAsync();
        Assert.Equal("hello", await ReadToEndAsync(accepted));
        await accepted.WriteAsync("back"u8.ToArray());
        await accepted.CloseWriteAsync();
        Assert.Equal("back", await ReadToEndAsync(opened));

        var second = await _client.OpenStreamAsync(SpdyHeaders.Empty);
        Assert.Equal(3u, second.Id);
    }

    [Fact]
    public async Task A_stream_that_discards_its_input_gives_the_window_back_and_holds_up_no_other_stream()
    {
        var ignored = await _client.OpenStreamAsync(new SpdyHeaders().With("streamType", "stdout"));
        var discarding = await _server.AcceptedStreams.ReadAsync();
        discarding.DiscardIncoming();
        await discarding.ReplyAsync();
        // Three times what a stream buffers, within windows the discarding side keeps giving back.
        await ignored.WriteAsync(new byte[3 << 20]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        var next = await _client.OpenStreamAsync(SpdyHeaders.Empty);
        var accepted = await _server.AcceptedStreams.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await next.WriteAsync("still flowing"u8.ToArray());
        await next.CloseWriteAsync();
        Assert.Equal("still flowing", await ReadToEndAsync(accepted).WaitAsync(TimeSpan.FromSeconds(10)));
        await discarding.DisposeAsync();
    }

    [Fact]
    public async Task Interleaved_streams_keep_their_own_bytes()
    {
        var a = await _client.OpenStreamAsync(new SpdyHeaders().With("name", "a"));
        var b = await _client.OpenStreamAsync(new SpdyHeaders().With("name", "b"));
        var first = await _server.AcceptedStreams.ReadAsync();
        var second = await _server.AcceptedStreams.ReadAsync();
        var writes = new List<Task>();
        for (var i = 0; i < 50; i++)
        {
            await a.WriteAsync(Encoding.ASCII.GetBytes($"a{i};"));
            await b.WriteAsync(Encoding.ASCII.GetBytes($"b{i};"));
        }
        await a.CloseWriteAsync();
        await b.CloseWriteAsync();
        var (fromA, fromB) = (ReadToEndAsync(first), ReadToEndAsync(second));
        Assert.Equal(string.Concat(Enumerable.Range(0, 50).Select(i => $"a{i};")), await fromA);
        Assert.Equal(string.Concat(Enumerable.Range(0, 50).Select(i => $"b{i};")), await fromB);
        Assert.Equal(("a", "b"), (first.Headers["name"], second.Headers["name"]));
    }

    [Fact]
    public async Task A_sender_stops_at_the_peers_window_and_resumes_on_window_update()
    {
        var opened = await _client.OpenStreamAsync(SpdyHeaders.Empty);
        var accepted = await _server.AcceptedStreams.ReadAsync();
        await _client.PingAsync(); // the server's SETTINGS reached the client: windows bind.

        var payload = new byte[SpdySession.DefaultWindow + 1000];
        Random.Shared.NextBytes(payload);
        var write = opened.WriteAsync(payload).AsTask();
        await Task.Delay(300);
        Assert.False(write.IsCompleted, "the writer must wait for WINDOW_UPDATE after 64 KiB");

        // Reading gives the window back (WINDOW_UPDATE at half a window), so the write finishes.
        var received = new MemoryStream();
        var buffer = new byte[4096];
        while (received.Length < payload.Length)
        {
            received.Write(buffer, 0, await accepted.ReadAsync(buffer));
        }
        await write.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(payload, received.ToArray());
    }

    [Fact]
    public async Task A_window_update_for_a_stream_alone_does_not_lift_the_connection_window()
    {
        var window = new SendWindow();
        window.Enforce();
        var stream = new StreamWindow(SpdySession.DefaultWindow);
        Assert.Equal(SpdySession.DefaultWindow, await window.TakeAsync(stream, int.MaxValue, default));
        window.Grow(stream, 100);
        var waiting = window.TakeAsync(stream, 50, default).AsTask();
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        window.Grow(null, 10);
        Assert.Equal(10, await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Without_flow_control_from_the_peer_windows_do_not_bind()
    {
        // Go's spdystream never sends SETTINGS or WINDOW_UPDATE: the sender must not stall at 64 KiB.
        var window = new SendWindow();
        var stream = new StreamWindow(SpdySession.DefaultWindow);
        Assert.Equal(200_000, await window.TakeAsync(stream, 200_000, default));
    }

    [Fact]
    public async Task Ping_is_answered_by_the_peer_and_goaway_refuses_new_streams()
    {
        Assert.True(await _client.PingAsync() < TimeSpan.FromSeconds(5));
        Assert.True(await _server.PingAsync() < TimeSpan.FromSeconds(5));

        await _server.GoAwayAsync();
        SpdyStream? stream = null;
        try
        {
            stream = await _client.OpenStreamAsync(SpdyHeaders.Empty);
        }
        catch (IOException)
        {
            // The GOAWAY arrived first: the client does not even try.
        }
        if (stream is not null)
        {
            // The GOAWAY crossed the SYN_STREAM: the server refuses the stream with RST_STREAM.
            await Assert.ThrowsAsync<IOException>(() => stream.Reply.WaitAsync(TimeSpan.FromSeconds(5)));
            Assert.Equal(SpdyResetStatus.RefusedStream, stream.ResetStatus);
        }
    }

    [Fact]
    public async Task A_reset_stream_fails_its_reply_and_ends_its_reads()
    {
        var opened = await _client.OpenStreamAsync(SpdyHeaders.Empty);
        var accepted = await _server.AcceptedStreams.ReadAsync();
        await accepted.ResetAsync(SpdyResetStatus.RefusedStream);
        await Assert.ThrowsAsync<IOException>(() => opened.Reply.WaitAsync(TimeSpan.FromSeconds(5)));
        await Assert.ThrowsAsync<IOException>(async () => await opened.ReadAtLeastAsync(new byte[10], 1));
        await Assert.ThrowsAsync<IOException>(async () => await opened.WriteAsync(new byte[10]));
    }

    [Fact]
    public async Task The_session_ends_its_streams_when_the_peer_disconnects()
    {
        var opened = await _client.OpenStreamAsync(SpdyHeaders.Empty);
        await _server.AcceptedStreams.ReadAsync();
        await _server.DisposeAsync();
        await _client.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await opened.ReadAtLeastAsync(new byte[10], 1, throwOnEndOfStream: false));
        await Assert.ThrowsAsync<IOException>(() => opened.Reply);
    }

    [Fact]
    public async Task Disposing_a_stream_sends_its_fin_once_either_way()
    {
        var viaAsync = await _client.OpenStreamAsync(SpdyHeaders.Empty);
        var viaSync = await _client.OpenStreamAsync(SpdyHeaders.Empty);
        var (first, second) = (await _server.AcceptedStreams.ReadAsync(), await _server.AcceptedStreams.ReadAsync());
        await viaAsync.WriteAsync("a"u8.ToArray());
        await viaAsync.DisposeAsync();
        await viaAsync.DisposeAsync();
        viaSync.Dispose();
        Assert.Equal("a", await ReadToEndAsync(first));
        Assert.Equal("", await ReadToEndAsync(second));
    }

    private static async Task<string> ReadToEndAsync(Stream stream)
    {
        var all = new MemoryStream();
        await stream.CopyToAsync(all).WaitAsync(TimeSpan.FromSeconds(10));
        return Encoding.ASCII.GetString(all.ToArray());
    }
}
