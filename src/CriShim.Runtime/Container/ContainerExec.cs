using CriShim.Runtime.Cgroups;

namespace CriShim.Runtime.Container;

/// <summary>
/// What runs beside a running container's command, one partial file each: ExecSync, the checks and specs of the
/// streaming server's exec and attach, and log reopening. Execs run the container's own spec from memory.
/// </summary>
public sealed partial class ContainerExec(ContainerTracker containers, IContainerRuntime runtime, ICgroupManager cgroups) : IContainerExec
{
    /// <summary>The runtime handler of the container's pod, whose helper runs its execs; the default when the pod is gone.</summary>
    private string RuntimeHandlerOf(StoredContainer container) =>
        containers.Pods.Find(container.Record.SandboxId)?.RuntimeHandler ?? "";
}
