using CriShim.Protocol.V1;
using CriShim.Runtime.Container.Checkpoint;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerService
{
    /// <summary>
    /// CheckpointContainer: a running container, held locked (Stop and Remove wait) while
    /// <paramref name="checkpointer"/> dumps it; it goes on running.
    /// </summary>
    public async Task CheckpointAsync(ContainerCheckpointer checkpointer, string idOrPrefix, string location, long timeoutSeconds)
    {
        var (path, timeout) = ContainerCheckpointer.Validate(location, timeoutSeconds);
        var found = store.Get(idOrPrefix);
        using var held = await _locks.LockAsync(found.Id, CancellationToken.None);
        var container = Refresh(store.Get(found.Id));
        if (container.Status.State != ContainerState.ContainerRunning)
        {
            throw new FailedPreconditionException($"container {container.Id} is {StateName(container.Status.State)}; only a running container can be checkpointed");
        }
        await checkpointer.EnsureUsableAsync();
        var spec = ReadSpec(container.Record) ?? throw new FailedPreconditionException($"container {container.Id} has no readable spec file");
        await checkpointer.CheckpointAsync(container.Record, spec, container.Status.Pid, path, timeout);
    }
}
