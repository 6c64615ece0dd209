using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using CriShim.Api.Composition;
using CriShim.Api.Streaming;
using CriShim.Protocol.V1;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Streaming;
using CriShim.Streaming.Client;
using CriShim.Streaming.RemoteCommand;
using CriShim.Streaming.Spdy;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CriShim.Api.Tests.Streaming;

/// <summary>The real Kestrel streaming endpoint in-process, spoken to with our own client library.</summary>
public sealed class StreamingServerTests : IAsyncLifetime
{
    private readonly InProcessContainerStreaming _runtime = new();
    private readonly CapturedLog _log = new();
    private WebApplication _app = null!;
    private StreamingRequests _requests = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(_log);
        builder.AddCriShimStreaming(new DaemonConfig { StreamAddress = "127.0.0.1:0" });
        builder.Services.AddSingleton<IContainerStreaming>(_runtime);
        builder.Services.AddSingleton(new StreamTokens(TimeProvider.System, TimeSpan.FromSeconds(2)));
        _app = builder.Build();
        _app.MapCriShimStreaming();
        await _app.StartAsync();
        _requests = _app.Services.GetRequiredService<StreamingRequests>();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void Urls_are_absolute_on_the_port_the_kernel_picked()
    {
        var url = new Uri(Exec(["echo"]));
        Assert.Equal("127.0.0.1", url.Host);
        Assert.NotEqual(0, url.Port);
        Assert.StartsWith("/exec/", url.AbsolutePath);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Exec_output_and_exit_code_reach_the_client(bool webSocket)
    {
        var stdout = new MemoryStream();
        Assert.Equal(0, await RunAsync(Exec(["echo", "hello", "world"]), new RemoteCommandOptions { Stdout = stdout, UseWebSocket = webSocket }));
        Assert.Equal("hello world\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal(42, await RunAsync(Exec(["exit", "42"]), new RemoteCommandOptions { Stdout = new MemoryStream(), UseWebSocket = webSocket }));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stdin_reaches_the_command_and_its_end_ends_the_command(bool webSocket)
    {
        var payload = new byte[200_000];
        Random.Shared.NextBytes(payload);
        var stdout = new MemoryStream();
        var url = _requests.Exec(new ExecRequest { ContainerId = "c1", Cmd = { "cat" }, Stdin = true, Stdout = true }).Url;
        Assert.Equal(0, await RunAsync(url, new RemoteCommandOptions { Stdin = new MemoryStream(payload), Stdout = stdout, UseWebSocket = webSocket }));
        Assert.Equal(payload, stdout.ToArray());
    }

    [Fact]
    public async Task Stderr_stays_apart_from_stdout()
    {
        var (stdout, stderr) = (new MemoryStream(), new MemoryStream());
        var url = _requests.Exec(new ExecRequest { ContainerId = "c1", Cmd = { "stderr", "oops" }, Stdout = true, Stderr = true }).Url;
        Assert.Equal(1, await RunAsync(url, new RemoteCommandOptions { Stdout = stdout, Stderr = stderr }));
        Assert.Equal(("", "oops"), (Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray())));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_command_that_cannot_start_is_a_failure_status_with_the_runtimes_message(bool webSocket)
    {
        var e = await Assert.ThrowsAsync<RemoteCommandException>(() => RunAsync(Exec(["nonexistent"]), new RemoteCommandOptions { Stdout = new MemoryStream(), UseWebSocket = webSocket }));
        Assert.Contains("executable file 'nonexistent' not found", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Terminal_sizes_reach_the_runtime_in_order(bool webSocket)
    {
        var sizes = System.Threading.Channels.Channel.CreateUnbounded<ResizeMessage>();
        sizes.Writer.TryWrite(new ResizeMessage(80, 24));
        sizes.Writer.TryWrite(new ResizeMessage(132, 43));
        var url = _requests.Exec(new ExecRequest { ContainerId = "c1", Cmd = { "sizes", "2" }, Tty = true, Stdout = true }).Url;
        Assert.Equal(0, await RunAsync(url, new RemoteCommandOptions { Stdout = new MemoryStream(), Tty = true, Resize = sizes.Reader, UseWebSocket = webSocket }));
        Assert.Equal([new TerminalSize(80, 24), new TerminalSize(132, 43)], _runtime.Sizes.ToArray());
    }

    /// <summary>The server waits for a terminal's resize stream (as kubelet does), so the client opens it even with no sizes to send.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_terminal_exec_without_sizes_runs(bool webSocket)
    {
        var stdout = new MemoryStream();
        var url = _requests.Exec(new ExecRequest { ContainerId = "c1", Cmd = { "echo", "on", "a", "tty" }, Tty = true, Stdout = true }).Url;
        Assert.Equal(0, await RunAsync(url, new RemoteCommandOptions { Stdout = stdout, Tty = true, UseWebSocket = webSocket }));
        Assert.Equal("on a tty\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task Attach_wires_the_containers_stdio()
    {
        var stdout = new MemoryStream();
        var url = _requests.Attach(new AttachRequest { ContainerId = "c1", Stdin = true, Stdout = true }).Url;
        Assert.Equal(0, await RunAsync(url, new RemoteCommandOptions { Stdin = new MemoryStream("typed\n"u8.ToArray()), Stdout = stdout }));
        Assert.Equal("typed\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Theory]
    [InlineData(StreamProtocols.V4)]
    [InlineData(StreamProtocols.V3)]
    [InlineData(StreamProtocols.V2)]
    [InlineData(StreamProtocols.V1)]
    public async Task Each_spdy_subprotocol_is_negotiated(string protocol)
    {
        var (session, chosen) = await SpdyClientHandshake.ConnectAsync(new Uri(Exec(["echo"])), ["v9.channel.k8s.io", protocol], default);
        await session.DisposeAsync();
        Assert.Equal(protocol, chosen);
    }

    [Fact]
    public async Task A_spdy_client_without_a_common_subprotocol_gets_403()
    {
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => SpdyClientHandshake.ConnectAsync(new Uri(Exec(["echo"])), ["v9.channel.k8s.io"], default));
        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
    }

    [Theory]
    [InlineData(StreamProtocols.V5)]
    [InlineData(StreamProtocols.V4)]
    [InlineData(StreamProtocols.V4Base64)]
    [InlineData(StreamProtocols.Base64)]
    [InlineData(StreamProtocols.V1)]
    public async Task Each_websocket_subprotocol_is_negotiated_and_signals_ready(string protocol)
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(protocol);
        await socket.ConnectAsync(new UriBuilder(Exec(["echo", "x"])) { Scheme = "ws" }.Uri, default);
        Assert.Equal(protocol, socket.SubProtocol);
        var buffer = new byte[100];
        var first = await socket.ReceiveAsync(buffer, default);
        // The empty message on stdout that says the streams are ready.
        Assert.Equal(1, first.Count);
        Assert.Equal(protocol.Contains("base64") ? (byte)'1' : (byte)1, buffer[0]);
    }

    [Fact]
    public async Task A_token_is_single_use_and_unknown_tokens_get_404()
    {
        var url = Exec(["echo", "once"]);
        Assert.Equal(0, await RunAsync(url, new RemoteCommandOptions { Stdout = new MemoryStream() }));
        var reused = await Assert.ThrowsAsync<HttpRequestException>(() => RunAsync(url, new RemoteCommandOptions { Stdout = new MemoryStream() }));
        Assert.Equal(HttpStatusCode.NotFound, reused.StatusCode);
        var unknown = await Assert.ThrowsAsync<HttpRequestException>(() => RunAsync(url[..url.LastIndexOf('/')] + "/nosuchtoken", new RemoteCommandOptions { Stdout = new MemoryStream() }));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        // An exec token is not an attach token.
        var attach = await Assert.ThrowsAsync<HttpRequestException>(() => RunAsync(Exec(["echo"]).Replace("/exec/", "/attach/"), new RemoteCommandOptions { Stdout = new MemoryStream() }));
        Assert.Equal(HttpStatusCode.NotFound, attach.StatusCode);
    }

    [Fact]
    public async Task An_expired_token_gets_404()
    {
        var url = Exec(["echo"]);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => RunAsync(url, new RemoteCommandOptions { Stdout = new MemoryStream() }));
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public void Requests_are_validated_as_kubelet_does()
    {
        Assert.Throws<InvalidArgumentException>(() => _requests.Exec(new ExecRequest { ContainerId = "c1", Cmd = { "sh" }, Tty = true, Stdout = true, Stderr = true }));
        Assert.Throws<InvalidArgumentException>(() => _requests.Exec(new ExecRequest { ContainerId = "c1", Cmd = { "sh" } }));
        Assert.Throws<InvalidArgumentException>(() => _requests.Exec(new ExecRequest { ContainerId = "c1", Stdout = true }));
        Assert.Throws<InvalidArgumentException>(() => _requests.Exec(new ExecRequest { Cmd = { "sh" }, Stdout = true }));
        Assert.Throws<InvalidArgumentException>(() => _requests.Attach(new AttachRequest { ContainerId = "c1" }));
        Assert.Throws<InvalidArgumentException>(() => _requests.PortForward(new PortForwardRequest()));
        Assert.Throws<InvalidArgumentException>(() => _requests.PortForward(new PortForwardRequest { PodSandboxId = "p", Port = { 70000 } }));
        Assert.Throws<NotFoundException>(() => _requests.Exec(new ExecRequest { ContainerId = "missing", Cmd = { "sh" }, Stdout = true }));
    }

    [Fact]
    public async Task Port_forward_carries_two_concurrent_connections_to_an_echo_server()
    {
        using var echo = new TcpListener(IPAddress.Loopback, 0);
        echo.Start();
        var port = ((IPEndPoint)echo.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            var handlers = new List<Task>();
            for (var i = 0; i < 2; i++)
            {
                var client = await echo.AcceptTcpClientAsync();
                handlers.Add(Task.Run(async () =>
                {
                    using (client)
                    {
                        var stream = client.GetStream();
                        await stream.CopyToAsync(stream);
                    }
                }));
            }
            await Task.WhenAll(handlers);
        });
        var url = _requests.PortForward(new PortForwardRequest { PodSandboxId = "p1", Port = { port } }).Url;
        await using var forward = await PortForwardClient.ConnectAsync(new Uri(url));
        var first = await forward.OpenAsync(port);
        var second = await forward.OpenAsync(port);
        await first.Data.WriteAsync("one"u8.ToArray());
        await second.Data.WriteAsync("two"u8.ToArray());
        Assert.Equal("two", await ReadExactlyAsync(second.Data, 3));
        Assert.Equal("one", await ReadExactlyAsync(first.Data, 3));
        await first.Data.CloseWriteAsync();
        await second.Data.CloseWriteAsync();
        Assert.Null(await first.Error.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(await second.Error.WaitAsync(TimeSpan.FromSeconds(10)));
        await serving.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_refused_connection_is_reported_on_the_error_stream()
    {
        int port;
        using (var closed = new TcpListener(IPAddress.Loopback, 0))
        {
            closed.Start();
            port = ((IPEndPoint)closed.LocalEndpoint).Port;
        }
        var url = _requests.PortForward(new PortForwardRequest { PodSandboxId = "p1", Port = { port } }).Url;
        await using var forward = await PortForwardClient.ConnectAsync(new Uri(url));
        var connection = await forward.OpenAsync(port);
        var error = await connection.Error.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains($"error forwarding port {port} to pod p1", error);
        Assert.Contains("127.0.0.1", error);
        Assert.Equal(0, await connection.Data.ReadAtLeastAsync(new byte[1], 1, throwOnEndOfStream: false));
    }

    [Fact]
    public async Task A_spdy_client_that_drops_its_connection_mid_exec_cancels_the_command()
    {
        using (var client = await RawSpdyConnection.ConnectAsync(Exec(["hang"])))
        {
            await client.OpenAsync(1, StreamTypes.Error);
            await client.OpenAsync(3, StreamTypes.Stdout);
            await _runtime.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        await _runtime.HangCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_websocket_client_that_drops_its_connection_mid_exec_cancels_the_command()
    {
        using var socket = await HangingWebSocketAsync();
        socket.Abort();
        await _runtime.HangCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_that_drops_its_connection_while_output_flows_is_no_error_in_the_log(bool webSocket)
    {
        for (var i = 0; i < 5; i++)
        {
            _runtime.Reset();
            var url = Exec(["flood"]);
            if (webSocket)
            {
                using var socket = new ClientWebSocket();
                await socket.ConnectAsync(new UriBuilder(url) { Scheme = "ws" }.Uri, default);
                await _runtime.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(10));
                await socket.ReceiveAsync(new byte[1024], default);
                socket.Abort();
            }
            else
            {
                using var client = await RawSpdyConnection.ConnectAsync(url);
                await client.OpenAsync(1, StreamTypes.Error);
                await client.OpenAsync(3, StreamTypes.Stdout);
                await _runtime.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(10));
                await client.Stream.ReadAtLeastAsync(new byte[64 * 1024], 64 * 1024);
            }
            await _runtime.ExecEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        // The server's handler runs on a little after the runtime returned.
        await Task.Delay(500);
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task Data_a_spdy_client_sends_on_streams_the_server_only_writes_does_not_hide_the_client_going()
    {
        using (var client = await RawSpdyConnection.ConnectAsync(Exec(["hang"])))
        {
            await client.OpenAsync(1, StreamTypes.Error);
            await client.OpenAsync(3, StreamTypes.Stdout);
            await _runtime.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(10));
            // 1.5 MB ignoring windows, as Go's spdystream may: more than a stream buffers for a reader.
            var chunk = new byte[32 * 1024];
            for (var i = 0; i < 48; i++)
            {
                await client.SendAsync(new DataFrame(3, false, chunk));
            }
            // A clean end of the connection (FIN), which the server sees only if it reads to it.
            client.Stream.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            await _runtime.HangCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(9)]
    public async Task Data_a_websocket_client_sends_on_channels_the_server_does_not_read_does_not_hide_the_client_going(byte channel)
    {
        using var socket = await HangingWebSocketAsync();
        var message = new byte[16 * 1024];
        message[0] = channel;
        for (var i = 0; i < 20; i++)
        {
            await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, default).WaitAsync(TimeSpan.FromSeconds(10));
        }
        socket.Abort();
        await _runtime.HangCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_websocket_message_that_is_not_base64_ends_that_session_and_the_next_exec_works()
    {
        using (var socket = new ClientWebSocket())
        {
            socket.Options.AddSubProtocol(StreamProtocols.V4Base64);
            await socket.ConnectAsync(new UriBuilder(Exec(["hang"])) { Scheme = "ws" }.Uri, default);
            await _runtime.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await socket.SendAsync("0!!not base64!!"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, default);
            await _runtime.HangCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        var stdout = new MemoryStream();
        Assert.Equal(0, await RunAsync(Exec(["echo", "after"]), new RemoteCommandOptions { Stdout = stdout, UseWebSocket = true }));
        Assert.Equal("after\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task A_websocket_message_that_never_ends_is_refused_before_it_fills_the_memory()
    {
        using var socket = await HangingWebSocketAsync();
        var fragment = new byte[64 * 1024];
        try
        {
            for (var i = 0; i < 64 && !_runtime.HangCancelled.Task.IsCompleted; i++)
            {
                await socket.SendAsync(fragment, WebSocketMessageType.Binary, endOfMessage: false, default).WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException)
        {
            // The server dropped the connection while we were still sending.
        }
        await _runtime.HangCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("a control frame of SPDY version 2")]
    [InlineData("a RST_STREAM of the wrong length")]
    [InlineData("a SETTINGS frame too short for its entries")]
    [InlineData("a header block that is not zlib")]
    [InlineData("a header block inflating to 4 MB")]
    public async Task Garbage_after_the_spdy_upgrade_ends_that_session_and_the_next_exec_works(string garbage)
    {
        using (var client = await RawSpdyConnection.ConnectAsync(Exec(["hang"])))
        {
            await client.OpenAsync(1, StreamTypes.Error);
            await client.OpenAsync(3, StreamTypes.Stdout);
            await _runtime.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(10));
            if (garbage == "a header block inflating to 4 MB")
            {
                // Through the connection's own compression context, so only the size is wrong.
                await client.SendAsync(new HeadersFrame(1, false, new SpdyHeaders().With("x", new string('\0', 4 << 20))));
            }
            else
            {
                byte[] notZlib = [.. Enumerable.Repeat((byte)0xFF, 64)];
                await client.SendAsync(garbage switch
                {
                    "a control frame of SPDY version 2" => [0x80, 0x02, 0x00, 0x06, 0, 0, 0, 4, 0, 0, 0, 1],
                    "a RST_STREAM of the wrong length" => [0x80, 0x03, 0x00, 0x03, 0, 0, 0, 2, 0, 0],
                    "a SETTINGS frame too short for its entries" => [0x80, 0x03, 0x00, 0x04, 0, 0, 0, 4, 0, 0, 0, 9],
                    _ => [0x80, 0x03, 0x00, 0x01, 0, 0, 0, 10 + 64, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, .. notZlib],
                });
            }
            Assert.True(await client.ClosedByServerWithinAsync(TimeSpan.FromSeconds(10)), "the server kept the session open");
        }
        await _runtime.HangCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var stdout = new MemoryStream();
        Assert.Equal(0, await RunAsync(Exec(["echo", "after"]), new RemoteCommandOptions { Stdout = stdout }));
        Assert.Equal("after\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task Streams_a_spdy_client_opens_beyond_its_set_are_refused()
    {
        using var client = await RawSpdyConnection.ConnectAsync(Exec(["hang"]));
        await client.OpenAsync(1, StreamTypes.Error);
        await client.OpenAsync(3, StreamTypes.Stdout);
        await _runtime.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await client.OpenAsync(5, StreamTypes.Stdin);
        using var reader = new SpdyFrameReader(client.Stream);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        SpdyFrame? frame;
        while ((frame = await reader.ReadAsync(deadline.Token)) is not RstStreamFrame { StreamId: 5 })
        {
            Assert.NotNull(frame);
        }
        Assert.Equal(SpdyResetStatus.RefusedStream, ((RstStreamFrame)frame).Status);
    }

    [Fact]
    public async Task A_spdy_client_that_never_opens_its_streams_is_dropped_at_the_stream_creation_timeout()
    {
        _app.Services.GetRequiredService<SpdyRemoteCommandHandler>().StreamCreationTimeout = TimeSpan.FromSeconds(1);
        using var client = await RawSpdyConnection.ConnectAsync(Exec(["hang"]));
        await client.OpenAsync(1, StreamTypes.Error);
        Assert.True(await client.ClosedByServerWithinAsync(TimeSpan.FromSeconds(10)), "the server kept waiting for the stdout stream");
        Assert.False(_runtime.Hanging.Task.IsCompleted);
    }

    private async Task<ClientWebSocket> HangingWebSocketAsync()
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(StreamProtocols.V5);
        await socket.ConnectAsync(new UriBuilder(Exec(["hang"])) { Scheme = "ws" }.Uri, default);
        await _runtime.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return socket;
    }

    private string Exec(string[] command)
    {
        var request = new ExecRequest { ContainerId = "c1", Stdout = true };
        request.Cmd.AddRange(command);
        return _requests.Exec(request).Url;
    }

    private static Task<int> RunAsync(string url, RemoteCommandOptions options) =>
        RemoteCommandClient.RunAsync(new Uri(url), options).WaitAsync(TimeSpan.FromSeconds(20));

    private static async Task<string> ReadExactlyAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return Encoding.UTF8.GetString(buffer);
    }
}
