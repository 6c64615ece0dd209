namespace CriShim.Runtime.Container;

public sealed partial class ContainerService
{
    /// <summary>The runtime handler of the container's pod, whose helper runs its execs; the default when the pod is gone.</summary>
    private string RuntimeHandlerOf(StoredContainer container) =>
        sandboxes.Find(container.Record.SandboxId)?.RuntimeHandler ?? "";
}
