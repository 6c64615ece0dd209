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
        await File.WriteAllBytesAsync(directory.InitRequest, JsonSerializer.SerializeToUtf8Bytes(request, HelperJsonContext.Default.SandboxInitRequest));
        // Not cancellable: once started, the pid must be known so the caller's undo can stop pause.
        var response = await RuntimeHelperProcess.RunAsync(helper, "sandbox-init", [directory.InitRequest], HelperJsonContext.Default.SandboxInitResponse,
            Timeout, CancellationToken.None);
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
