using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CriShim.Native;
using CriShim.Runtime.Daemon;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Runtime.Sandbox;

/// <summary>
/// The one way the daemon runs <c>crishim-runtime</c> (sandbox-init, container-start, exec, exec-stream,
/// netns-socket): the check that the binary is there, an owned child (pidfd, reaped once) whose stdout and
/// stderr are drained on a thread of its own, the JSON answer on stdout with stderr in the error, and a timeout
/// or cancellation that kills and reaps it. Every helper runs with the daemon's environment, as its child.
/// </summary>
public static class RuntimeHelperProcess
{
    /// <summary>Starts <c>&lt;binary&gt; &lt;mode&gt; &lt;arguments&gt;</c>; <paramref name="descriptors"/> adds fds beyond stdio.</summary>
    public static CapturedChild Start(RuntimeHelperBinary binary, string mode, IReadOnlyList<string> arguments,
        IReadOnlyDictionary<int, SafeFileHandle>? descriptors = null)
    {
        if (!File.Exists(binary.Path))
        {
            throw new FileNotFoundException($"the runtime helper {binary.Path} is missing; install it next to the crishim executable or fix the runtime handler's runtime_path", binary.Path);
        }
        return CapturedChild.Start(binary.Path, [binary.Path, mode, .. arguments], DaemonEnvironment(), descriptors);
    }

    /// <summary>
    /// Runs a mode that answers with one JSON document on stdout and exits. <paramref name="timeout"/> null waits
    /// as long as <paramref name="cancel"/> allows; either ending the wait kills and reaps the helper.
    /// </summary>
    public static async Task<T> RunAsync<T>(RuntimeHelperBinary binary, string mode, IReadOnlyList<string> arguments, JsonTypeInfo<T> answer,
        TimeSpan? timeout, CancellationToken cancel)
        where T : class
    {
        using var helper = Start(binary, mode, arguments);
        FaultPoint.Reach($"helper.{mode}");
        CapturedOutput output;
        try
        {
            output = await helper.Completion.WaitAsync(timeout ?? Timeout.InfiniteTimeSpan, cancel);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            await helper.KillAsync();
            if (e is OperationCanceledException)
            {
                throw;
            }
            throw new TimeoutException($"{binary.Path} {mode} did not answer within {timeout!.Value.TotalSeconds:0} s");
        }
        T? result = null;
        try
        {
            result = output.Stdout.Length > 0 ? JsonSerializer.Deserialize(output.Stdout, answer) : null;
        }
        catch (JsonException)
        {
            // Not an answer (the helper crashed mid-write): reported below with its stderr.
        }
        return result ?? throw new IOException($"{binary.Path} {mode} exited {output.Exit.ExitCode} without an answer: {output.Stderr.Trim()} {output.Stdout.Trim()}".TrimEnd());
    }

    /// <summary>
    /// Starts a long-lived mode and returns it, owned by the caller, once its first line on stdout is
    /// <paramref name="readyLine"/>; one that exits first, says something else or is not ready within
    /// <paramref name="timeout"/> is killed and reaped, and so is one whose caller cancels.
    /// </summary>
    public static async Task<CapturedChild> StartReadyAsync(RuntimeHelperBinary binary, string mode, IReadOnlyList<string> arguments,
        string readyLine, TimeSpan timeout, CancellationToken cancel)
    {
        var helper = Start(binary, mode, arguments);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            deadline.CancelAfter(timeout);
            try
            {
                if (await helper.FirstLine.WaitAsync(deadline.Token) == readyLine)
                {
                    return helper;
                }
                var output = await helper.Completion.WaitAsync(deadline.Token);
                throw new IOException($"{binary.Path} {mode} exited {output.Exit.ExitCode} before it was ready: {output.Stderr.Trim()}");
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                throw new TimeoutException($"{binary.Path} {mode} was not ready within {timeout.TotalSeconds:0} s");
            }
        }
        catch
        {
            await helper.KillAsync();
            helper.Dispose();
            throw;
        }
    }

    private static List<string> DaemonEnvironment() =>
        [.. Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().Select(e => $"{e.Key}={e.Value}")];
}
