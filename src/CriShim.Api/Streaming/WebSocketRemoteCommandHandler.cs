using System.Net.WebSockets;
using System.Threading.Channels;
using CriShim.Runtime.Streaming;
using CriShim.Streaming.RemoteCommand;
using CriShim.Streaming.WebSockets;

namespace CriShim.Api.Streaming;

/// <summary>
/// Exec and attach over a WebSocket with the channel protocols (v5, v4, v4.base64, base64, channel):
/// an empty message on the first output channel tells the client the streams are ready, the outcome
/// goes on channel 3, then a normal close.
/// </summary>
internal sealed class WebSocketRemoteCommandHandler(IContainerStreaming runtime, ILogger<WebSocketRemoteCommandHandler> log)
{
    public async Task HandleAsync(HttpContext context, StreamRequest request)
    {
        var offered = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = offered.Count == 0 ? "" : StreamProtocols.Negotiate(offered, StreamProtocols.WebSocketRemoteCommand);
        if (protocol is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"none of the subprotocols [{string.Join(' ', offered)}] is supported; server accepts [{string.Join(' ', StreamProtocols.WebSocketRemoteCommand)}]\n");
            return;
        }
        var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol.Length == 0 ? null : protocol });
        var framing = ChannelFraming.For(protocol);
        var (tty, stdin, stdout, stderr) = RemoteCommandExecution.Wiring(request);
        var inbound = new List<byte>();
        if (stdin) inbound.Add(ChannelFraming.Stdin);
        if (tty) inbound.Add(ChannelFraming.Resize);
        await using var connection = new ChannelConnection(socket, framing, inbound);
        var clientGone = new CancellationTokenSource();
        connection.Start(clientGone.Token);
        var cancelWhenGone = connection.Completion.ContinueWith(_ => clientGone.Cancel(), TaskScheduler.Default);

        var sizes = Channel.CreateUnbounded<TerminalSize>();
        var resizing = tty ? RemoteCommandExecution.ForwardSizesAsync(connection.Channel(ChannelFraming.Resize), sizes.Writer, clientGone.Token) : Task.CompletedTask;
        var stdio = new StdioStreams
        {
            Stdin = stdin ? connection.Channel(ChannelFraming.Stdin) : null,
            Stdout = stdout ? connection.Channel(ChannelFraming.Stdout) : null,
            Stderr = stderr && !tty ? connection.Channel(ChannelFraming.Stderr) : null,
            Resize = tty ? sizes.Reader : null,
        };
        try
        {
            var ready = stdout ? ChannelFraming.Stdout : stderr ? ChannelFraming.Stderr : ChannelFraming.Error;
            await connection.SendAsync(ready, ReadOnlyMemory<byte>.Empty, clientGone.Token);
            var status = await RemoteCommandExecution.RunAsync(runtime, request, stdio, log, clientGone.Token);
            sizes.Writer.TryComplete();
            var payload = RemoteCommandExecution.ErrorPayload(framing.Protocol, status);
            if (payload.Length > 0)
            {
                await connection.SendAsync(ChannelFraming.Error, payload, clientGone.Token);
            }
            await connection.CloseAsync(clientGone.Token);
            await connection.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or TimeoutException)
        {
            log.LogDebug(e, "remote command WebSocket client went away");
        }
        await Task.WhenAny(resizing, Task.Delay(100));
    }
}
