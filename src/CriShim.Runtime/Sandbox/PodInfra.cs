using CriShim.Native;

namespace CriShim.Runtime.Sandbox;

/// <summary>
/// What holds a pod's namespaces: a pause process, or only their pins (CRI-O's <c>drop_infra_ctr</c>), which costs
/// no process at all. Pause stays where a process is needed:
/// <list type="bullet">
/// <item>a shared PID namespace (pid mode POD) needs its PID 1 to reap orphans, and dies with it;</item>
/// <item>a pod with its own user namespace, for now: sandbox-init-userns is root of that namespace only and may not
/// mount on the host; pinning without pause needs its parent (the helper's NewUserNamespace, still in the host's
/// namespace) to pin the child's namespaces while the child waits, one more step on their socket.</item>
/// </list>
/// </summary>
public static class PodInfra
{
    public static bool NeedsPause(NamespaceKinds namespaces) =>
        namespaces.HasFlag(NamespaceKinds.Pid) || namespaces.HasFlag(NamespaceKinds.User);

    /// <summary>
    /// Whether what holds the pod is still there: the very pause process Run started, or every pin of a pod
    /// without pause (a pod with no namespace of its own has nothing to lose).
    /// </summary>
    public static bool IsHeld(PodSandboxRecord record, SandboxDirectory directory) =>
        record.Pauseless ? new NamespacePins(directory.Namespaces).Hold(record.Namespaces) : record.Pause.IsAlive;
}
