using System.Diagnostics;
using System.Text.Json;
using CriShim.Native;
using CriShim.Contract;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Sandbox;

/// <summary>
/// Runs <c>crishim-runtime sandbox-init</c>, which creates the pod's namespaces and spawns pause, then
/// exits; pause is therefore not the daemon's child and outlives it.
/// </summary>
public sealed class PauseLauncher
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Starts pause through <paramref name="helper"/> (the pod's runtime handler's) as <paramref name="request"/>
    /// says; a request the kernel refuses (a sysctl) is InvalidArgument.
    /// </summary>
    public async Task<ProcessIdentity> StartAsync(RuntimeHelperBinary helper, SandboxDirectory directory, SandboxInitRequest request)
    {
        if (!File.Exists(helper.Path))
        {
            throw new FileNotFoundException($"the runtime helper {helper.Path} is missing; install it next to the crishim executable or fix the runtime handler's runtime_path", helper.Path);
        }
        await File.WriteAllBytesAsync(directory.InitRequest, JsonSerializer.SerializeToUtf8Bytes(request, HelperJsonContext.Default.SandboxInitRequest));
        var info = new ProcessStartInfo(helper.Path)
        {
            ArgumentList = { "sandbox-init", directory.InitRequest },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        // Process.Dispose leaves redirected streams open once they were read (until a GC finalizes them).
        using var stdoutPipe = process.StandardOutput;
        using var stderrPipe = process.StandardError;
        var stdout = stdoutPipe.ReadToEndAsync();
        var stderr = stderrPipe.ReadToEndAsync();
        // Not cancellable: once started, the pid must be known so the caller's undo can stop pause.
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"{helper.Path} sandbox-init did not finish within {Timeout.TotalSeconds} s");
        }
        var output = await stdout;
        SandboxInitResponse? response;
        try
        {
            response = JsonSerializer.Deserialize(output, HelperJsonContext.Default.SandboxInitResponse);
        }
        catch (JsonException)
        {
            response = null;
        }
        if (response is null)
        {
            throw new IOException($"sandbox-init exited {process.ExitCode} without an answer: {await stderr}{output}");
        }
        if (response.Error is { } error)
        {
            throw response.InvalidRequest ? new InvalidArgumentException(error) : new IOException($"sandbox-init: {error}");
        }
        // No pid: the request pinned the namespaces and started no pause.
        if (response.PausePid == 0)
        {
            return default;
        }
        return ProcessIdentity.Find(response.PausePid)
            ?? throw new IOException($"pause (pid {response.PausePid}) exited right after it started");
    }
}
