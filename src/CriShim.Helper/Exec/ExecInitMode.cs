using System.Globalization;
using CriShim.Helper.Container;
using CriShim.Native;
using CriShim.Native.Protocol;

namespace CriShim.Helper.Exec;

/// <summary>
/// <c>exec-init &lt;spec&gt;</c>: spawned by <c>exec</c> already inside the container's PID namespace and,
/// once let go, its cgroup. On its main thread it joins the container's net, IPC and UTS namespaces,
/// then (after unshare(CLONE_FS)) its mount namespace, which also moves it to the container's root,
/// and execs the command with the container's credentials (with a tty on stdin as its controlling terminal); in a
/// container with a user namespace, through <see cref="ContainerUserNamespaceStage"/>.
/// </summary>
internal static class ExecInitMode
{
    public static int Run(string specFile) => InitStage.ExecAfter(lastCapability =>
    {
        var spec = ContainerSpecFile.Read(specFile, ContainerJsonContext.Default.ExecSpec);
        var ns = $"/proc/{spec.ContainerPid.ToString(CultureInfo.InvariantCulture)}/ns/";
        using var userNamespace = Namespaces.AreSame(ns + "user", "/proc/self/ns/user") ? null : ContainerUserNamespaceStage.Open(ns + "user");
        using var loader = userNamespace is null ? null : HostLoader.Open();
        try
        {
            Namespaces.JoinCurrentThread(ns + "net", NamespaceKinds.Network);
            Namespaces.JoinCurrentThread(ns + "ipc", NamespaceKinds.Ipc);
            Namespaces.JoinCurrentThread(ns + "uts", NamespaceKinds.Uts);
            ThreadFileSystemContext.Unshare();
            Namespaces.JoinCurrentThread(ns + "mnt", NamespaceKinds.Mount);
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
        if (userNamespace is not null)
        {
            ContainerUserNamespaceStage.Enter(spec.Process, lastCapability, userNamespace, loader!);
        }
        return spec.Process;
    });
}
