using System.Threading.Channels;
using CriShim.Runtime.Streaming;
using CriShim.Streaming.RemoteCommand;
using CriShim.Streaming.Spdy;

namespace CriShim.Api.Streaming;

/// <summary>
/// Exec and attach over SPDY: the client opens one stream per <c>streamType</c> its request asked
/// for (error, stdin, stdout, stderr, and resize with a terminal on v3+); once all are there the
/// command runs, the error stream gets the outcome and every stream is closed.
/// </summary>
internal sealed class SpdyRemoteCommandHandler(IContainerStreaming runtime, ILogger<SpdyRemoteCommandHandler> log)
{
    /// <summary>How long the client has to open its streams (kubelet's default stream creation timeout).</summary>
    public static readonly TimeSpan DefaultStreamCreationTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Shorter in tests, so a client that never opens its streams is seen to be dropped.</summary>
    internal TimeSpan StreamCreationTimeout { get; set; } = DefaultStreamCreationTimeout;

    public async Task HandleAsync(HttpContext context, StreamRequest request)
    {
        var accepted = await SpdyUpgrade.AcceptAsync(context, StreamProtocols.SpdyRemoteCommand);
        if (accepted is not var (session, protocol))
        {
            return;
        }
        await using var _ = session;
        protocol = protocol.Length == 0 ? StreamProtocols.V1 : protocol;
        var (tty, stdin, stdout, stderr) = RemoteCommandExecution.Wiring(request);
        var expected = new HashSet<string> { StreamTypes.Error };
        if (stdin) expected.Add(StreamTypes.Stdin);
        if (stdout) expected.Add(StreamTypes.Stdout);
        if (stderr && !tty) expected.Add(StreamTypes.Stderr);
        if (tty && StreamProtocols.SpdyHasResize(protocol)) expected.Add(StreamTypes.Resize);

        var streams = await CollectAsync(session, expected);
        if (streams is null)
        {
            log.LogWarning("remote command client did not open its streams ({Expected}) in time", string.Join(", ", expected));
            return;
        }
        // Ends with the session, disposed on the way out; never faults.
        var refusing = RefuseFurtherStreamsAsync(session);
        // Not disposed: the session's end may cancel it after this method returned.
        var clientGone = new CancellationTokenSource();
        var cancelWhenGone = session.Completion.ContinueWith(_ => clientGone.Cancel(), TaskScheduler.Default);
        var resize = streams.GetValueOrDefault(StreamTypes.Resize);
        var sizes = Channel.CreateUnbounded<TerminalSize>();
        var resizing = resize is null ? Task.CompletedTask : RemoteCommandExecution.ForwardSizesAsync(resize, sizes.Writer, clientGone.Token);
        var stdio = new StdioStreams
        {
            Stdin = streams.GetValueOrDefault(StreamTypes.Stdin),
            Stdout = streams.GetValueOrDefault(StreamTypes.Stdout),
            Stderr = streams.GetValueOrDefault(StreamTypes.Stderr),
            Resize = tty ? sizes.Reader : null,
        };
        RemoteCommandStatus status;
        try
        {
            status = await RemoteCommandExecution.RunAsync(runtime, request, stdio, log, clientGone.Token);
        }
        catch (OperationCanceledException) when (clientGone.IsCancellationRequested)
        {
            return;
        }
        sizes.Writer.TryComplete();
        try
        {
            foreach (var output in new[] { stdio.Stdout, stdio.Stderr }.OfType<SpdyStream>())
            {
                await output.CloseWriteAsync();
            }
            var error = streams[StreamTypes.Error];
            var payload = RemoteCommandExecution.ErrorPayload(protocol, status);
            if (payload.Length > 0)
            {
                await error.WriteAsync(payload);
            }
            await error.CloseWriteAsync();
            await session.GoAwayAsync();
            // The client closes the connection once it read the error stream; closing first could lose what it has not read.
            await session.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is IOException or TimeoutException or ObjectDisposedException)
        {
            log.LogDebug(e, "remote command client went away while the outcome was sent");
        }
        await Task.WhenAny(resizing, Task.Delay(100));
    }

    /// <summary>Streams opened after the set are refused, not kept unanswered (and in memory) for the session's life.</summary>
    private static async Task RefuseFurtherStreamsAsync(SpdySession session)
    {
        try
        {
            await foreach (var stream in session.AcceptedStreams.ReadAllAsync())
            {
                await stream.ResetAsync(SpdyResetStatus.RefusedStream);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The session ended.
        }
    }

    /// <summary>Accepts and answers the client's streams until every expected type arrived; null on timeout or if the client went.</summary>
    private async Task<Dictionary<string, SpdyStream>?> CollectAsync(SpdySession session, HashSet<string> expected)
    {
        var streams = new Dictionary<string, SpdyStream>(StringComparer.Ordinal);
        using var timeout = new CancellationTokenSource(StreamCreationTimeout);
        try
        {
            while (streams.Count < expected.Count)
            {
                var stream = await session.AcceptedStreams.ReadAsync(timeout.Token);
                var type = stream.Headers[StreamTypes.Header] ?? "";
                if (!expected.Contains(type) || streams.ContainsKey(type))
                {
                    await stream.ResetAsync(SpdyResetStatus.RefusedStream);
                    continue;
                }
                if (type != StreamTypes.Stdin && type != StreamTypes.Resize)
                {
                    stream.DiscardIncoming();
                }
                await stream.ReplyAsync();
                streams[type] = stream;
            }
            return streams;
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }
}
