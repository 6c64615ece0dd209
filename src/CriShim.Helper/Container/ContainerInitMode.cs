using CriShim.Native;
using CriShim.Native.Protocol;

namespace CriShim.Helper.Container;

/// <summary>
/// <c>container-init &lt;spec&gt;</c>: the container's first process, spawned by the monitor inside the
/// pod's namespaces (fd 0-2: the container's stdio, fd 3: the sync socket). It waits until the monitor
/// moved it into the container's cgroup, builds the root file system, drops privileges and execs the
/// command; any failure before execve goes back to the monitor as a typed message.
/// </summary>
internal static class ContainerInitMode
{
    public static int Run(string specFile) => InitStage.ExecAfter(lastCapability =>
    {
        var spec = ContainerSpecFile.Read(specFile, ContainerJsonContext.Default.ContainerProcessSpec);
        // Opened while the host's mounts are in view: the root is built with the host's privileges and id-mapped with it.
        using var userNamespace = spec.Namespaces.UserPath is { } path ? ContainerUserNamespaceStage.Open(path) : null;
        using var loader = userNamespace is null ? null : HostLoader.Open();
        RootfsSetup.Prepare(spec, userNamespace);
        if (spec.Process.Tty)
        {
            // posix_spawn made this process a session leader; the terminal on stdin becomes its own.
            PseudoTerminal.MakeControlling(0);
        }
        if (userNamespace is not null)
        {
            ContainerUserNamespaceStage.Enter(spec.Process, lastCapability, userNamespace, loader!);
        }
        return spec.Process;
    });
}
