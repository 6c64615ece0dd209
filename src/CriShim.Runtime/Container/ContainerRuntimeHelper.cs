using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CriShim.Contract;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Container;

/// <summary>
/// Runs the NativeAOT runtime helper for containers: <c>container-start &lt;spec&gt;</c> (starts the
/// monitor, which is not our child, and returns once the command runs) and <c>exec &lt;spec&gt;</c>
/// (runs a command in a container and returns its output), each answering with one JSON document on
/// stdout; and <c>exec-stream</c>, an interactive exec relayed over a socket. Each runs the helper of the
/// pod's runtime handler.
/// </summary>
public sealed class ContainerRuntimeHelper(RuntimeHandlers handlers) : IContainerRuntime
{
    public RuntimeHandlers Handlers => handlers;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long exec gets beyond its own timeout to kill the command and answer.</summary>
    private static readonly TimeSpan ExecGrace = TimeSpan.FromSeconds(10);

    public Task<ContainerStartResult> StartAsync(string runtimeHandler, string specFile) =>
        RunAsync(handlers.Of(runtimeHandler).Helper, "container-start", specFile, ContainerJsonContext.Default.ContainerStartResult, StartTimeout, CancellationToken.None);

    /// <summary>Runs an exec; <paramref name="timeout"/> null waits as long as the caller does.</summary>
    public Task<ExecResult> ExecAsync(string runtimeHandler, string specFile, TimeSpan? timeout, CancellationToken cancel) =>
        RunAsync(handlers.Of(runtimeHandler).Helper, "exec", specFile, ContainerJsonContext.Default.ExecResult, timeout + ExecGrace, cancel);

    /// <summary>
    /// Starts <c>exec-stream &lt;spec&gt; &lt;socket&gt;</c> and returns it once it listens on <paramref name="socket"/>
    /// (its first line on stdout); the caller connects, then waits for it or kills it.
    /// </summary>
    public async Task<Process> StartExecStreamAsync(string runtimeHandler, string specFile, string socket, CancellationToken cancel)
    {
        var binary = handlers.Of(runtimeHandler).Helper;
        var process = Start(binary, "exec-stream", specFile, socket);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            deadline.CancelAfter(StartTimeout);
            var line = await process.StandardOutput.ReadLineAsync(deadline.Token);
            if (line != Contract.Stdio.StdioSockets.ExecListeningLine)
            {
                await process.WaitForExitAsync(deadline.Token);
                throw new IOException($"{binary.Path} exec-stream exited {process.ExitCode} before it listened: {(await process.StandardError.ReadToEndAsync(deadline.Token)).Trim()}");
            }
            return process;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw new TimeoutException($"{binary.Path} exec-stream did not listen within {StartTimeout.TotalSeconds:0} s");
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    private static Process Start(RuntimeHelperBinary binary, params string[] args)
    {
        if (!File.Exists(binary.Path))
        {
            throw new FileNotFoundException($"the runtime helper {binary.Path} is missing; install it next to the crishim executable or fix the runtime handler's runtime_path", binary.Path);
        }
        var info = new ProcessStartInfo(binary.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return Process.Start(info)!;
    }

    private static async Task<T> RunAsync<T>(RuntimeHelperBinary binary, string mode, string specFile, JsonTypeInfo<T> answer, TimeSpan? timeout, CancellationToken cancel)
        where T : class
    {
        using var process = Start(binary, mode, specFile);
        // Process.Dispose leaves redirected streams open once they were read (until a GC finalizes them).
        using var stdoutPipe = process.StandardOutput;
        using var stderrPipe = process.StandardError;
        var stdout = stdoutPipe.ReadToEndAsync(CancellationToken.None);
        var stderr = stderrPipe.ReadToEndAsync(CancellationToken.None);
        FaultPoint.Reach($"helper.{mode}");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (timeout is { } limit)
        {
            deadline.CancelAfter(limit);
        }
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            if (cancel.IsCancellationRequested)
            {
                throw;
            }
            throw new TimeoutException($"{binary.Path} {mode} did not answer within {timeout!.Value.TotalSeconds:0} s");
        }
        var output = await stdout;
        T? result = null;
        try
        {
            result = output.Length > 0 ? JsonSerializer.Deserialize(output, answer) : null;
        }
        catch (JsonException)
        {
            // Not an answer (the helper crashed mid-write): reported below with its stderr.
        }
        return result ?? throw new IOException($"{binary.Path} {mode} exited {process.ExitCode} without an answer: {(await stderr).Trim()} {output.Trim()}");
    }
}
