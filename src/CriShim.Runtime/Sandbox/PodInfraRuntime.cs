using System.Text.Json;
using CriShim.Native;
using CriShim.Contract;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Sandbox;

/// <summary>
/// The pod infrastructure on the host: <c>crishim-runtime sandbox-init</c>, which creates the pod's namespaces and
/// spawns pause, then exits (pause is therefore not the daemon's child and outlives it); bind mounts pinning the
/// namespaces; the /dev/shm tmpfs; pause signalled and awaited through pidfds.
/// </summary>
public sealed class PodInfraRuntime : IPodInfraRuntime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Size of a pod's /dev/shm, as Docker and containerd default it.</summary>
    private const string ShmOptions = "mode=1777,size=65536k";

    public void MountShm(SandboxDirectory directory) => Mounts.Tmpfs(directory.Shm, ShmOptions);

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

    public void Pin(SandboxDirectory directory, ProcessIdentity pause, NamespaceKinds kinds) =>
        new NamespacePins(directory.Namespaces).Pin(pause.Pid, kinds);

    public bool IsHeld(PodSandboxRecord record, SandboxDirectory directory) => PodInfra.IsHeld(record, directory);

    public bool Signal(ProcessIdentity pause, int signal) => Processes.Signal(pause, signal);

    public bool WaitForExit(ProcessIdentity pause, TimeSpan timeout) => Processes.WaitForExit(pause, timeout);

    public void Release(SandboxDirectory directory)
    {
        new NamespacePins(directory.Namespaces).Remove();
        Mounts.Unmount(directory.Shm);
    }
}
