using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CriShim.Native.Protocol;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Container;

/// <summary>
/// Runs the NativeAOT runtime helper for containers: <c>container-start &lt;spec&gt;</c> (starts the
/// monitor, which is not our child, and returns once the command runs) and <c>exec &lt;spec&gt;</c>
/// (runs a command in a container and returns its output). Each answers with one JSON document on stdout.
/// </summary>
public sealed class ContainerRuntimeHelper(RuntimeHelperBinary binary)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long exec gets beyond its own timeout to kill the command and answer.</summary>
    private static readonly TimeSpan ExecGrace = TimeSpan.FromSeconds(10);

    public Task<ContainerStartResult> StartAsync(string specFile) =>
        RunAsync("container-start", specFile, ContainerJsonContext.Default.ContainerStartResult, StartTimeout, CancellationToken.None);

    /// <summary>Runs an exec; <paramref name="timeout"/> null waits as long as the caller does.</summary>
    public Task<ExecResult> ExecAsync(string specFile, TimeSpan? timeout, CancellationToken cancel) =>
        RunAsync("exec", specFile, ContainerJsonContext.Default.ExecResult, timeout + ExecGrace, cancel);

    private async Task<T> RunAsync<T>(string mode, string specFile, JsonTypeInfo<T> answer, TimeSpan? timeout, CancellationToken cancel)
        where T : class
    {
        if (!File.Exists(binary.Path))
        {
            throw new FileNotFoundException($"the runtime helper {binary.Path} is missing; install it next to the crishim executable", binary.Path);
        }
        var info = new ProcessStartInfo(binary.Path)
        {
            ArgumentList = { mode, specFile },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
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
