using System.Net.WebSockets;
using System.Text;
using CriShim.Streaming.RemoteCommand;
using CriShim.Streaming.Spdy;
using CriShim.Streaming.WebSockets;

namespace CriShim.Streaming.Client;

/// <summary>
/// Runs an exec or attach URL returned by a CRI runtime: copies stdin up (and closes it when the local
/// stdin ends), stdout and stderr down, sends terminal sizes, and returns the command's exit code
/// from the error stream. A failure other than an exit code throws <see cref="RemoteCommandException"/>.
/// </summary>
public static class RemoteCommandClient
{
    public static Task<int> RunAsync(Uri url, RemoteCommandOptions options, CancellationToken cancel = default) =>
        options.UseWebSocket ? RunWebSocketAsync(url, options, cancel) : RunSpdyAsync(url, options, cancel);

    private static async Task<int> RunSpdyAsync(Uri url, RemoteCommandOptions options, CancellationToken cancel)
    {
        var (session, protocol) = await SpdyClientHandshake.ConnectAsync(url, StreamProtocols.SpdyRemoteCommand, cancel);
        await using var _ = session;
        protocol = protocol.Length == 0 ? StreamProtocols.V1 : protocol;

        var error = await OpenAsync(session, StreamTypes.Error, cancel);
        var stdin = options.Stdin is null ? null : await OpenAsync(session, StreamTypes.Stdin, cancel);
        var stdout = options.Stdout is null ? null : await OpenAsync(session, StreamTypes.Stdout, cancel);
        var stderr = options.Stderr is null || options.Tty ? null : await OpenAsync(session, StreamTypes.Stderr, cancel);
        // Opened with every terminal, sizes or not, as client-go does: the server waits for it (kubelet too).
        var resize = options.Tty && StreamProtocols.SpdyHasResize(protocol)
            ? await OpenAsync(session, StreamTypes.Resize, cancel)
            : null;
        await Task.WhenAll(new[] { error, stdin, stdout, stderr, resize }.OfType<SpdyStream>().Select(s => s.Reply));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var output = Task.WhenAll(CopyDownAsync(stdout, options.Stdout, cancel), CopyDownAsync(stderr, options.Stderr, cancel));
        var errorText = ReadAllAsync(error, cancel);
        var input = stdin is null ? Task.CompletedTask : CopyUpAsync(options.Stdin!, stdin, () => stdin.CloseWriteAsync(), stop.Token);
        var sizes = resize is null || options.Resize is null ? Task.CompletedTask : SendSizesAsync(options.Resize, m => resize.WriteAsync(m.ToJson(), stop.Token).AsTask(), stop.Token);

        var message = await errorText;
        await output;
        await stop.CancelAsync();
        Forget(input);
        await Quietly(sizes);
        return ExitCode(protocol, message);
    }

    private static async Task<int> RunWebSocketAsync(Uri url, RemoteCommandOptions options, CancellationToken cancel)
    {
        var socket = new ClientWebSocket();
        foreach (var protocol in StreamProtocols.WebSocketRemoteCommand)
        {
            socket.Options.AddSubProtocol(protocol);
        }
        var target = new UriBuilder(url) { Scheme = url.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;
        await socket.ConnectAsync(target, cancel);
        var framing = ChannelFraming.For(socket.SubProtocol);
        var inbound = new List<byte> { ChannelFraming.Error };
        if (options.Stdout is not null) inbound.Add(ChannelFraming.Stdout);
        if (options.Stderr is not null) inbound.Add(ChannelFraming.Stderr);
        await using var connection = new ChannelConnection(socket, framing, inbound);
        connection.Start(cancel);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var output = Task.WhenAll(
            CopyDownAsync(options.Stdout is null ? null : connection.Channel(ChannelFraming.Stdout), options.Stdout, cancel),
            CopyDownAsync(options.Stderr is null ? null : connection.Channel(ChannelFraming.Stderr), options.Stderr, cancel));
        var errorText = ReadAllAsync(connection.Channel(ChannelFraming.Error), cancel);
        var input = options.Stdin is null
            ? Task.CompletedTask
            : CopyUpAsync(options.Stdin, connection.Channel(ChannelFraming.Stdin),
                () => framing.HasCloseSignal ? connection.SendCloseAsync(ChannelFraming.Stdin, stop.Token) : Task.CompletedTask, stop.Token);
        var sizes = options.Tty && options.Resize is not null
            ? SendSizesAsync(options.Resize, m => connection.SendAsync(ChannelFraming.Resize, m.ToJson(), stop.Token), stop.Token)
            : Task.CompletedTask;

        var message = await errorText;
        await output;
        await stop.CancelAsync();
        Forget(input);
        await Quietly(sizes);
        await Quietly(connection.CloseAsync(CancellationToken.None));
        return ExitCode(framing.Protocol, message);
    }

    /// <summary>v4 and v5 carry a Status; older protocols an error text (empty: success).</summary>
    private static int ExitCode(string protocol, byte[] message)
    {
        if (StreamProtocols.HasStatusErrors(protocol))
        {
            return message.Length == 0 ? 0 : RemoteCommandStatus.Parse(message).ToExitCode();
        }
        return message.Length == 0 ? 0 : throw new RemoteCommandException(Encoding.UTF8.GetString(message));
    }

    private static async Task<SpdyStream> OpenAsync(SpdySession session, string type, CancellationToken cancel) =>
        await session.OpenStreamAsync(new SpdyHeaders().With(StreamTypes.Header, type), cancel: cancel);

    private static async Task CopyDownAsync(Stream? remote, Stream? local, CancellationToken cancel)
    {
        if (remote is null || local is null)
        {
            return;
        }
        var buffer = new byte[32 * 1024];
        int n;
        while ((n = await remote.ReadAsync(buffer, cancel)) > 0)
        {
            await local.WriteAsync(buffer.AsMemory(0, n), cancel);
            await local.FlushAsync(cancel);
        }
    }

    private static async Task CopyUpAsync(Stream local, Stream remote, Func<Task> closeRemote, CancellationToken cancel)
    {
        var buffer = new byte[32 * 1024];
        int n;
        while ((n = await local.ReadAsync(buffer, cancel)) > 0)
        {
            await remote.WriteAsync(buffer.AsMemory(0, n), cancel);
        }
        await closeRemote();
    }

    private static async Task SendSizesAsync(System.Threading.Channels.ChannelReader<ResizeMessage> sizes, Func<ResizeMessage, Task> send, CancellationToken cancel)
    {
        await foreach (var size in sizes.ReadAllAsync(cancel))
        {
            await send(size);
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken cancel)
    {
        var all = new MemoryStream();
        await stream.CopyToAsync(all, cancel);
        return all.ToArray();
    }

    /// <summary>
    /// Leaves the stdin copy behind once the command ended: a console read cannot be cancelled, and
    /// the caller exits or moves on anyway.
    /// </summary>
    private static void Forget(Task task) => _ = task.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);

    /// <summary>Waits for a side task the end of the command made pointless (stdin still open, no more sizes).</summary>
    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or ObjectDisposedException)
        {
            // The command is over; the stream it fed is gone.
        }
    }
}
