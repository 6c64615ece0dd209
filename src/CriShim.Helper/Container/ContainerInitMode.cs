using CriShim.Native;
using CriShim.Contract;

namespace CriShim.Helper.Container;

/// <summary>
/// <c>container-init &lt;spec&gt; &lt;last capability&gt; [userns]</c>: the container's first process, spawned by the monitor
/// in the stage root it built (<see cref="InitStageRoot"/>, the container's tree at <see cref="RootfsSetup.ContainerDirectory"/>)
/// inside the pod's namespaces (fd 0-2: the container's stdio, fd 3: the sync socket; with <c>userns</c>, fd 8: the pod's
/// user namespace). It waits until the monitor moved it into the container's cgroup, finishes the root file system
/// (<see cref="RootfsSetup.Finish"/>), drops privileges and execs the command, in a user namespace through
/// <see cref="ContainerUserNamespaceStage"/>; any failure before execve goes back to the monitor as a typed message.
/// </summary>
internal static class ContainerInitMode
{
    public static int Run(string specFile, int lastCapability, bool inUserNamespace) => InitStage.ExecAfter(lastCapability, () =>
    {
        var spec = ContainerSpecFile.Read(specFile, ContainerJsonContext.Default.ContainerProcessSpec);
        using var userNamespace = inUserNamespace ? ContainerUserNamespaceStage.Prepare() : null;
        RootfsSetup.Finish(spec);
        if (spec.Process.Tty)
        {
            // posix_spawn made this process a session leader; the terminal on stdin becomes its own.
            PseudoTerminal.MakeControlling(0);
        }
        userNamespace?.Enter(spec.Process, lastCapability);
        return spec.Process;
    });
}
