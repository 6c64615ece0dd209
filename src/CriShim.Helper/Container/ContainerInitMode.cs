using CriShim.Native;
using CriShim.Contract;

namespace CriShim.Helper.Container;

/// <summary>
/// <c>container-init &lt;spec&gt;</c>: the container's first process, spawned by the monitor inside the
/// pod's namespaces (fd 0-2: the container's stdio, fd 3: the sync socket). It waits until the monitor
/// moved it into the container's cgroup, builds the root file system, drops privileges and execs the
/// command; any failure before execve goes back to the monitor as a typed message.
/// </summary>
internal static class ContainerInitMode
{
    public static int Run(string specFile) => InitStage.ExecAfter(() =>
    {
        var spec = ContainerSpecFile.Read(specFile, ContainerJsonContext.Default.ContainerProcessSpec);
        RootfsSetup.Prepare(spec);
        if (spec.Process.Tty)
        {
            // posix_spawn made this process a session leader; the terminal on stdin becomes its own.
            PseudoTerminal.MakeControlling(0);
        }
        return spec.Process;
    });
}
