using CriShim.Contract;
using CriShim.Protocol.V1;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerService
{
    /// <summary>Held while a state change is stored and its events are published, so events leave in the order the changes happened.</summary>
    private readonly Lock _eventOrder = new();

    /// <summary>What ContainerStatus says of each container of the pod, as stored now.</summary>
    public IReadOnlyList<ContainerStatus> StatusesOf(string sandboxId) =>
        store.All.Where(c => c.Record.SandboxId == sandboxId).OrderBy(c => c.Record.CreatedAt).Select(CriStatusOf).ToList();

    /// <summary>
    /// Settles the status of a container whose monitor has just recorded an exit (or may have died), under the
    /// container's lock: the STOPPED event of a command that exits at once follows the STARTED one of the
    /// StartContainer call still finishing.
    /// </summary>
    public async Task ObserveAsync(string id)
    {
        using var held = await _locks.LockAsync(id, CancellationToken.None);
        if (store.Find(id) is { } container)
        {
            Refresh(container);
        }
    }

    /// <summary>Ids of the containers that may still have processes, for the exit watcher's sweep.</summary>
    public IReadOnlyList<string> LiveIds() =>
        store.All.Where(c => c.Status.State.MayHaveProcesses()).Select(c => c.Id).ToList();

    /// <summary>
    /// Stores a status change and, when it moved the container to another state, publishes the events of that
    /// transition exactly once, whoever observed it (StartContainer, a status read, the exit watcher).
    /// </summary>
    private ContainerRunStatus? UpdateState(StoredContainer container, Func<ContainerRunStatus, ContainerRunStatus> change)
    {
        lock (_eventOrder)
        {
            var from = container.Status.State;
            var stored = store.Update(container.Id, current =>
            {
                from = current.State;
                return change(current);
            });
            if (stored is not null)
            {
                foreach (var type in TransitionEvents(from, stored))
                {
                    Publish(container.Record, type);
                }
            }
            return stored;
        }
    }

    /// <summary>STARTED when a process began, STOPPED when it ended; a container that ran and ended unseen gets both.</summary>
    private static IEnumerable<ContainerEventType> TransitionEvents(ContainerState from, ContainerRunStatus to)
    {
        if (from == to.State)
        {
            yield break;
        }
        if (to.State == ContainerState.ContainerRunning || (to.State == ContainerState.ContainerExited && from == ContainerState.ContainerCreated && to.StartedAt > 0))
        {
            yield return ContainerEventType.ContainerStartedEvent;
        }
        if (to.State == ContainerState.ContainerExited)
        {
            yield return ContainerEventType.ContainerStoppedEvent;
        }
    }

    /// <summary>
    /// One event with the pod's status and its containers' statuses at this moment, as containerd sends it (a
    /// DELETED container is no longer among them; the pod status is absent once the pod is gone).
    /// </summary>
    private void Publish(ContainerRecord record, ContainerEventType type)
    {
        // Without a subscriber (no evented PLEG) the statuses would be built on every start and stop for nobody.
        if (events.SubscriberCount == 0)
        {
            return;
        }
        lock (_eventOrder)
        {
            var containerEvent = new ContainerEventResponse
            {
                ContainerId = record.Id,
                ContainerEventType = type,
                CreatedAt = CriTimestamp.Now(),
                ContainersStatuses = { StatusesOf(record.SandboxId) },
            };
            if (sandboxes.Find(record.SandboxId) is { } sandbox)
            {
                containerEvent.PodSandboxStatus = SandboxService.CriStatusOf(sandbox, SandboxDirectory.For(daemon.State, sandbox.Id));
            }
            events.Publish(containerEvent);
        }
    }
}
