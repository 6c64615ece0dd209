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
            using var execStream = await runtime.StartExecStreamAsync(runtimeHandler, specFile, socket, cancel);
            try
            {
                StdioRelayEnd end;
                using (var relay = StdioRelayClient.Connect(socket))
                {
                    end = await relay.RunAsync(streams, cancel);
                }
                return Outcome(containerId, command, end) ?? throw new IOException(
                    $"exec in container {containerId} ended without an exit status: {HelperErrors(await EndAsync(execStream))}");
            }
            finally
            {
                await EndAsync(execStream);
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

    private static string HelperErrors(CapturedOutput output) =>
        output.Stderr.Trim() is { Length: > 0 } text ? text : $"the helper exited {output.Exit.ExitCode}";

    /// <summary>The helper ends right after the exit (or the socket closing); one that hangs is killed.</summary>
    private static async Task<CapturedOutput> EndAsync(CapturedChild process)
    {
        try
        {
            return await process.Completion.WaitAsync(HelperExitTimeout);
        }
        catch (TimeoutException)
        {
            return await process.KillAsync();
        }
    }
}
