using CriShim.Contract;
using CriShim.Native;

namespace CriShim.Runtime.Sandbox;

/// <summary>
/// The host side of a pod's infrastructure, in front of the sandbox service as <c>IContainerRuntime</c> is in front of
/// the container services: sandbox-init with the pod's namespaces and pause, the pins that hold those namespaces, the
/// pod's /dev/shm and pause's signals. <see cref="PodInfraRuntime"/> in the daemon; in the unit tests a fake whose pause
/// is an ordinary process and whose pins and /dev/shm are plain files.
/// </summary>
public interface IPodInfraRuntime
{
    /// <summary>Mounts the pod's /dev/shm (a tmpfs) at <see cref="SandboxDirectory.Shm"/>.</summary>
    void MountShm(SandboxDirectory directory);

    /// <summary>
    /// Runs sandbox-init through <paramref name="helper"/> as <paramref name="request"/> says; returns pause, or no process
    /// when the request pinned the namespaces itself. A request the kernel refuses (a sysctl) is InvalidArgument.
    /// </summary>
    Task<ProcessIdentity> StartAsync(RuntimeHelperBinary helper, SandboxDirectory directory, SandboxInitRequest request);

    /// <summary>Pins the namespaces <paramref name="kinds"/> of <paramref name="pause"/> under <see cref="SandboxDirectory.Namespaces"/>.</summary>
    void Pin(SandboxDirectory directory, ProcessIdentity pause, NamespaceKinds kinds);

    /// <summary>Whether what holds the pod is still there (<see cref="PodInfra.IsHeld"/>).</summary>
    bool IsHeld(PodSandboxRecord record, SandboxDirectory directory);

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pause"/> if it is still that process; false when it is gone.</summary>
    bool Signal(ProcessIdentity pause, int signal);

    /// <summary>Waits up to <paramref name="timeout"/> for <paramref name="pause"/> to end; true when it has.</summary>
    bool WaitForExit(ProcessIdentity pause, TimeSpan timeout);

    /// <summary>Unpins the namespaces and unmounts /dev/shm; fine when some or all are gone already.</summary>
    void Release(SandboxDirectory directory);
}
