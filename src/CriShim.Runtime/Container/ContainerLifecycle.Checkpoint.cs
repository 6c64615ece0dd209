using CriShim.Protocol.V1;
using CriShim.Runtime.Container.Checkpoint;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerLifecycle
{
    /// <summary>
    /// CheckpointContainer: a running container, held locked (Stop and Remove wait) while
    /// <paramref name="checkpointer"/> dumps it; it goes on running.
    /// </summary>
    public async Task CheckpointAsync(ContainerCheckpointer checkpointer, string idOrPrefix, string location, long timeoutSeconds)
    {
        var (path, timeout) = ContainerCheckpointer.Validate(location, timeoutSeconds);
        var found = Store.Get(idOrPrefix);
        using var held = await containers.LockAsync(found.Id, CancellationToken.None);
        var container = containers.Refresh(Store.Get(found.Id));
        if (container.Status.State != ContainerState.ContainerRunning)
        {
            throw new FailedPreconditionException($"container {container.Id} is {container.Status.State.Describe()}; only a running container can be checkpointed");
        }
        await checkpointer.EnsureUsableAsync();
        var spec = container.Details.Spec ?? throw new FailedPreconditionException($"container {container.Id} has no readable spec file");
        await checkpointer.CheckpointAsync(container.Record, spec, container.Status.Pid, path, timeout);
    }
}
