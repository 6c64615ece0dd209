using CriShim.Helper.Container;
using CriShim.Native;
using CriShim.Contract;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Exec;

/// <summary>
/// <c>exec-init &lt;spec&gt; &lt;last capability&gt; [userns]</c>: spawned by <c>exec</c> in its stage root
/// (<see cref="InitStageRoot"/>), already inside the container's PID namespace and, once let go, its cgroup.
/// On its main thread it joins the container's net, IPC and UTS namespaces, then (after unshare(CLONE_FS)) its
/// mount namespace, which also moves it to the container's root, all through the descriptors <c>exec</c>
/// opened, and execs the command with the container's credentials (with a tty on stdin as its controlling terminal);
/// in a container with a user namespace (<c>userns</c>), through <see cref="ContainerUserNamespaceStage"/>.
/// </summary>
internal static class ExecInitMode
{
    /// <summary>The container's namespaces and the descriptor exec-init finds each on (after stdio and the sync socket), in joining order.</summary>
    public static readonly IReadOnlyList<(NamespaceKinds Kind, int Descriptor)> NamespaceDescriptors =
        [(NamespaceKinds.Network, 4), (NamespaceKinds.Ipc, 5), (NamespaceKinds.Uts, 6), (NamespaceKinds.Mount, 7)];

    public static int Run(string specFile, int lastCapability, bool inUserNamespace) => InitStage.ExecAfter(lastCapability, () =>
    {
        var spec = ContainerSpecFile.Read(specFile, ContainerJsonContext.Default.ExecSpec);
        using var userNamespace = inUserNamespace ? ContainerUserNamespaceStage.Prepare() : null;
        try
        {
            foreach (var (kind, descriptor) in NamespaceDescriptors)
            {
                using var ns = new SafeFileHandle(descriptor, ownsHandle: true);
                if (kind == NamespaceKinds.Mount)
                {
                    ThreadFileSystemContext.Unshare();
                }
                Namespaces.JoinCurrentThread(ns, kind);
            }
        }
        catch (ErrnoException e)
        {
            throw new InitStageException(StartFailure.Setup, "joining the container namespaces: " + e.Message);
        }
        if (spec.Process.Tty)
        {
            // An interactive exec with a tty: this new session's controlling terminal is the one on stdin.
            PseudoTerminal.MakeControlling(0);
        }
        userNamespace?.Enter(spec.Process, lastCapability);
        return spec.Process;
    });
}
