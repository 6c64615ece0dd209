using CriShim.Native;
using CriShim.Contract;
using CriShim.Runtime.Container;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Streaming;

/// <summary>
/// The daemon's side of an interactive exec: starts <c>crishim-runtime exec-stream</c>, which listens on
/// a socket in the container's state directory and starts the command only once we are connected (no
/// output lost), relays the client's streams, and returns the exit code. When the client goes, closing
/// the socket makes the helper kill the command's process group.
/// </summary>
public sealed class InteractiveExec(IContainerExec containers, IContainerRuntime runtime)
{
    private static readonly TimeSpan HelperExitTimeout = TimeSpan.FromSeconds(10);

    public async Task<int> RunAsync(string containerId, IReadOnlyList<string> command, bool tty, StdioStreams streams, CancellationToken cancel)
    {
        var (specFile, socket, runtimeHandler) = await containers.PrepareStreamingExecAsync(containerId, command, tty, stdin: streams.Stdin is not null, cancel);
        try
        {
            using var process = await runtime.StartExecStreamAsync(runtimeHandler, specFile, socket, cancel);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                StdioRelayEnd end;
                using (var relay = StdioRelayClient.Connect(socket))
                {
                    end = await relay.RunAsync(streams, cancel);
                }
                return Outcome(containerId, command, end) ?? throw new IOException(
                    $"exec in container {containerId} ended without an exit status: {await HelperErrorsAsync(process, stderr)}");
            }
            finally
            {
                await EndAsync(process);
                await CloseOutputAsync(process, stderr);
            }
        }
        finally
        {
            File.Delete(specFile);
            File.Delete(socket);
        }
    }

    /// <summary>The exit code, or the start failure as the error it is; null when the helper said neither.</summary>
    private static int? Outcome(string containerId, IReadOnlyList<string> command, StdioRelayEnd end)
    {
        if (end.Failure is { } failure)
        {
            var message = $"exec '{string.Join(' ', command)}' in container {containerId} could not start: {end.FailureMessage}";
            throw failure is StartFailure.ExecutableNotFound or StartFailure.PermissionDenied or StartFailure.InvalidSpec
                ? new InvalidArgumentException(message)
                : new IOException(message);
        }
        return end.ExitCode;
    }

    private static async Task<string> HelperErrorsAsync(System.Diagnostics.Process process, Task<string> stderr)
    {
        await EndAsync(process);
        return (await stderr).Trim() is { Length: > 0 } text ? text : $"the helper exited {process.ExitCode}";
    }

    /// <summary>
    /// Process.Dispose leaves redirected streams that were read open until finalized (two descriptors per
    /// exec): with the helper gone its stderr is at its end, and both are closed here.
    /// </summary>
    private static async Task CloseOutputAsync(System.Diagnostics.Process process, Task<string> stderr)
    {
        try
        {
            await stderr.WaitAsync(HelperExitTimeout);
        }
        catch (Exception e) when (e is IOException or TimeoutException)
        {
            // Nothing more to learn from it; closing ends the read.
        }
        process.StandardOutput.Dispose();
        process.StandardError.Dispose();
    }

    /// <summary>The helper ends right after the exit (or the socket closing); one that hangs is killed.</summary>
    private static async Task EndAsync(System.Diagnostics.Process process)
    {
        using var timeout = new CancellationTokenSource(HelperExitTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }
}
