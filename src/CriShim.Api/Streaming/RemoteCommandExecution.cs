using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Streaming;
using CriShim.Streaming.RemoteCommand;

namespace CriShim.Api.Streaming;

/// <summary>
/// What an exec or attach does once its streams are in place, whatever the transport: run it through
/// the runtime and turn the outcome into the Status the error stream carries.
/// </summary>
internal static class RemoteCommandExecution
{
    public static async Task<RemoteCommandStatus> RunAsync(IContainerStreaming runtime, StreamRequest request, StdioStreams streams, ILogger log, CancellationToken cancel)
    {
        try
        {
            switch (request)
            {
                case ExecStreamRequest exec:
                    var exitCode = await runtime.ExecAsync(exec.ContainerId, exec.Command, exec.Tty, streams, cancel);
                    return RemoteCommandStatus.ExitCode(exitCode, exec.Command);
                case AttachStreamRequest attach:
                    await runtime.AttachAsync(attach.ContainerId, streams, cancel);
                    return RemoteCommandStatus.Success();
                default:
                    throw new ArgumentException($"{request.GetType().Name} is not a remote command", nameof(request));
            }
        }
        catch (CriException e)
        {
            return RemoteCommandStatus.Error(e.Message);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            log.LogWarning(e, "remote command on {Request} failed", request);
            return RemoteCommandStatus.Error(e.Message);
        }
    }

    /// <summary>The error stream's content: the Status as JSON for v4/v5, its message (nothing on success) before.</summary>
    public static byte[] ErrorPayload(string protocol, RemoteCommandStatus status) =>
        StreamProtocols.HasStatusErrors(protocol) ? status.ToJson()
        : status.Status == "Success" ? []
        : Encoding.UTF8.GetBytes(status.Message ?? "the command failed");

    /// <summary>The streams a request asked for.</summary>
    public static (bool Tty, bool Stdin, bool Stdout, bool Stderr) Wiring(StreamRequest request) => request switch
    {
        ExecStreamRequest e => (e.Tty, e.Stdin, e.Stdout, e.Stderr),
        AttachStreamRequest a => (a.Tty, a.Stdin, a.Stdout, a.Stderr),
        _ => throw new ArgumentException($"{request.GetType().Name} is not a remote command", nameof(request)),
    };

    /// <summary>Passes the client's terminal sizes from its resize stream or channel to the runtime until either ends.</summary>
    public static async Task ForwardSizesAsync(Stream resize, ChannelWriter<TerminalSize> sizes, CancellationToken cancel)
    {
        try
        {
            await foreach (var size in ResizeMessage.ReadAllAsync(resize, cancel))
            {
                sizes.TryWrite(new TerminalSize(size.Width, size.Height));
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or WebSocketException)
        {
            // The client went; so did its terminal.
        }
        finally
        {
            sizes.TryComplete();
        }
    }
}
