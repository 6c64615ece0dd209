using System.Net.Sockets;
using CriShim.Native;
using CriShim.Contract.Stdio;

namespace CriShim.Runtime.Streaming;

/// <summary>
/// The daemon's end of a stdio relay socket (a monitor's attach socket, an exec-stream's socket): pumps a
/// client's <see cref="StdioStreams"/> to and from <see cref="StdioFrame"/>s until the helper sends the
/// exit or closes. The client's end of stdin goes over as a close-stdin frame, also when the client went
/// while it had stdin (that is what <c>stdin_once</c> waits for).
/// </summary>
public sealed class StdioRelayClient : IDisposable
{
    private readonly Socket _socket;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private int _stdinClosed;

    private StdioRelayClient(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>Connects to the relay socket at <paramref name="path"/>; <see cref="ErrnoException"/> when nobody listens there.</summary>
    public static StdioRelayClient Connect(string path)
    {
        // Our own connect reaches paths longer than sun_path; the socket then gets .NET's async I/O.
        var handle = UnixSockets.ConnectSeqPacket(path);
        var fd = handle.DangerousGetHandle();
        handle.SetHandleAsInvalid();
        return new StdioRelayClient(new Socket(new SafeSocketHandle(fd, ownsHandle: true)));
    }

    /// <summary>Relays until the helper sends the exit or closes; <paramref name="cancel"/> (the client went) ends it with an OperationCanceledException.</summary>
    public async Task<StdioRelayEnd> RunAsync(StdioStreams streams, CancellationToken cancel)
    {
        using var inputs = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var input = new List<Task>();
        if (streams.Stdin is { } stdin)
        {
            input.Add(PumpStdinAsync(stdin, inputs.Token));
        }
        if (streams.Resize is { } resize)
        {
            input.Add(PumpResizeAsync(resize, inputs.Token));
        }
        try
        {
            return await ReceiveOutputAsync(streams, cancel);
        }
        catch (OperationCanceledException) when (streams.Stdin is not null)
        {
            await CloseStdinAsync();
            throw;
        }
        finally
        {
            await inputs.CancelAsync();
            // The client's streams may not honour cancellation; their pumps end with the socket.
            _ = Task.WhenAll(input).ContinueWith(t => t.Exception, TaskScheduler.Default);
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _sending.Dispose();
    }

    private async Task<StdioRelayEnd> ReceiveOutputAsync(StdioStreams streams, CancellationToken cancel)
    {
        var buffer = new byte[StdioFrame.MaxLength];
        while (true)
        {
            int n;
            try
            {
                n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel);
            }
            catch (SocketException)
            {
                return StdioRelayEnd.Closed;
            }
            if (n == 0)
            {
                return StdioRelayEnd.Closed;
            }
            var frame = StdioFrame.Parse(buffer.AsMemory(0, n));
            switch (frame.Channel)
            {
                case StdioChannel.Stdout:
                    await WriteAsync(streams.Stdout, frame.Payload, cancel);
                    break;
                case StdioChannel.Stderr:
                    await WriteAsync(streams.Stderr, frame.Payload, cancel);
                    break;
                case StdioChannel.Exit:
                    var (exitCode, signal) = frame.ReadExit();
                    return new StdioRelayEnd(exitCode, signal, null, null);
                case StdioChannel.StartFailure:
                    var (failure, message) = frame.ReadStartFailure();
                    return new StdioRelayEnd(null, 0, failure, message);
                default:
                    throw new InvalidDataException($"the runtime helper sent a {frame.Channel} frame");
            }
        }
    }

    private static async Task WriteAsync(Stream? target, ReadOnlyMemory<byte> data, CancellationToken cancel)
    {
        if (target is null)
        {
            return;
        }
        await target.WriteAsync(data, cancel);
        await target.FlushAsync(cancel);
    }

    private async Task PumpStdinAsync(Stream stdin, CancellationToken cancel)
    {
        var buffer = new byte[StdioFrame.MaxData];
        while (true)
        {
            int n;
            try
            {
                n = await stdin.ReadAsync(buffer, cancel);
            }
            catch (IOException)
            {
                n = 0;
            }
            if (n == 0)
            {
                await CloseStdinAsync();
                return;
            }
            await SendAsync(StdioFrame.Data(StdioChannel.Stdin, buffer.AsSpan(0, n)), cancel);
        }
    }

    private async Task PumpResizeAsync(System.Threading.Channels.ChannelReader<TerminalSize> sizes, CancellationToken cancel)
    {
        await foreach (var size in sizes.ReadAllAsync(cancel))
        {
            await SendAsync(StdioFrame.Resize(size.Width, size.Height), cancel);
        }
    }

    /// <summary>Once per relay: after it the helper takes no more input from this client.</summary>
    private async Task CloseStdinAsync()
    {
        if (Interlocked.Exchange(ref _stdinClosed, 1) == 0)
        {
            await SendAsync(StdioFrame.CloseStdin(), CancellationToken.None);
        }
    }

    private async Task SendAsync(byte[] frame, CancellationToken cancel)
    {
        await _sending.WaitAsync(cancel);
        try
        {
            await _socket.SendAsync(frame, SocketFlags.None, cancel);
        }
        catch (SocketException)
        {
            // The helper is gone; the output side reports the end.
        }
        finally
        {
            _sending.Release();
        }
    }
}
