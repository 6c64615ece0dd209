using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Streaming;

namespace CriShim.Api.Tests.Streaming;

/// <summary>
/// A stand-in runtime for protocol tests: commands are interpreted here (echo, cat, exit N, sizes,
/// hang), attach echoes stdin, and ports are reached on the host's loopback.
/// </summary>
internal sealed class InProcessContainerStreaming : IContainerStreaming
{
    public ConcurrentQueue<TerminalSize> Sizes { get; } = new();

    /// <summary>Completes when a <c>hang</c> or <c>flood</c> command runs.</summary>
    public TaskCompletionSource Hanging { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a <c>hang</c> command was cancelled (the server saw the client go).</summary>
    public TaskCompletionSource HangCancelled { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a <c>flood</c> command ended, however.</summary>
    public TaskCompletionSource ExecEnded { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>For the next command.</summary>
    public void Reset()
    {
        Hanging = new(TaskCreationOptions.RunContinuationsAsynchronously);
        HangCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        ExecEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public string CheckExec(ExecRequest request) => Check(request.ContainerId);

    public string CheckAttach(AttachRequest request) => Check(request.ContainerId);

    public string CheckPortForward(PortForwardRequest request) => Check(request.PodSandboxId);

    public async Task<int> ExecAsync(string containerId, IReadOnlyList<string> command, bool tty, StdioStreams streams, CancellationToken cancel)
    {
        switch (command)
        {
            case ["echo", ..]:
                await streams.Stdout!.WriteAsync(Encoding.UTF8.GetBytes(string.Join(' ', command.Skip(1)) + "\n"), cancel);
                return 0;
            case ["cat"]:
                await streams.Stdin!.CopyToAsync(streams.Stdout!, cancel);
                return 0;
            case ["stderr", var text]:
                await streams.Stderr!.WriteAsync(Encoding.UTF8.GetBytes(text), cancel);
                return 1;
            case ["exit", var code]:
                return int.Parse(code, System.Globalization.CultureInfo.InvariantCulture);
            case ["sizes", var count]:
                for (var i = 0; i < int.Parse(count, System.Globalization.CultureInfo.InvariantCulture); i++)
                {
                    Sizes.Enqueue(await streams.Resize!.ReadAsync(cancel));
                }
                return 0;
            case ["flood"]:
                // Output until writing fails, as a process's output relay does when the client is gone.
                var chunk = new byte[32 * 1024];
                Hanging.TrySetResult();
                try
                {
                    while (true)
                    {
                        await streams.Stdout!.WriteAsync(chunk, cancel);
                    }
                }
                finally
                {
                    ExecEnded.TrySetResult();
                }
            case ["hang"]:
                Hanging.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, cancel);
                }
                finally
                {
                    HangCancelled.TrySetResult();
                }
                return 0;
            default:
                throw new NotFoundException($"executable file '{command[0]}' not found in $PATH");
        }
    }

    public async Task AttachAsync(string containerId, StdioStreams streams, CancellationToken cancel) =>
        await streams.Stdin!.CopyToAsync(streams.Stdout!, cancel);

    public async Task<Stream> ConnectAsync(string podSandboxId, int port, CancellationToken cancel)
    {
        var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancel);
        }
        catch (SocketException e)
        {
            client.Dispose();
            throw new UnavailableException($"dial tcp4 127.0.0.1:{port}: {e.Message}");
        }
        return client.GetStream();
    }

    private static string Check(string id) => id == "missing" ? throw new NotFoundException($"container '{id}' not found") : id;
}
