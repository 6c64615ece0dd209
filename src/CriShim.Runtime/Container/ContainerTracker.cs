using CriShim.Contract;
using CriShim.Protocol.V1;
using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Events;
using CriShim.Runtime.Sandbox;
using CriShim.Runtime.Store;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container;

/// <summary>
/// The containers as all container services share them: the store, a lock per container, and their state brought
/// up to date from what the monitors recorded (<see cref="ContainerStateDirectory"/>, the truth about processes,
/// written while the daemon may be down). Every state change goes through <see cref="UpdateState"/>, which
/// publishes the events of the transition exactly once, whoever observed it.
/// </summary>
public sealed class ContainerTracker(
    DaemonConfig daemon,
    ContainerStore store,
    IPodSandboxes pods,
    ContainerEventBroadcaster events,
    ILogger<ContainerTracker> log)
{
    private readonly KeyedAsyncLock _locks = new();

    /// <summary>Held while a state change is stored and its events are published, so events leave in the order the changes happened.</summary>
    private readonly Lock _eventOrder = new();

    public ContainerStore Store => store;

    public IPodSandboxes Pods => pods;

    /// <summary>The last CPU sample of each container, from which the next one derives a rate (as containerd does).</summary>
    public CpuRateTracker CpuRates { get; } = new();

    /// <summary>Serializes the calls for one container; different containers proceed in parallel.</summary>
    public Task<IDisposable> LockAsync(string id, CancellationToken cancel) => _locks.LockAsync(id, cancel);

    public ContainerStateDirectory StateOf(string id) => ContainerStateDirectory.For(daemon.State, id);

    /// <summary>
    /// Settles the status of a container whose monitor has just recorded an exit (or may have died), under the
    /// container's lock: the STOPPED event of a command that exits at once follows the STARTED one of the
    /// StartContainer call still finishing.
    /// </summary>
    public async Task ObserveAsync(string id)
    {
        using var held = await LockAsync(id, CancellationToken.None);
        if (store.Find(id) is { } container)
        {
            Refresh(container);
        }
    }

    /// <summary>Ids of the containers that may still have processes, for the exit watcher's sweep.</summary>
    public IReadOnlyList<string> LiveIds() =>
        store.All.Where(c => c.Status.State.MayHaveProcesses()).Select(c => c.Id).ToList();

    /// <summary>What ContainerStatus says of each container of the pod, as stored now.</summary>
    public IReadOnlyList<ContainerStatus> StatusesOf(string sandboxId) =>
        store.All.Where(c => c.Record.SandboxId == sandboxId).OrderBy(c => c.Record.CreatedAt).Select(ContainerStatuses.Of).ToList();

    /// <summary>
    /// The container with its status brought up to date: a start the daemon did not see finish
    /// (started.json), an exit (exit.json), or a monitor that vanished without one (exit 255, Unknown).
    /// </summary>
    public StoredContainer Refresh(StoredContainer container)
    {
        var before = container.Status;
        var next = ContainerStateObservation.Observe(before, StateOf(container.Id));
        if (next == before)
        {
            return container;
        }
        var stored = UpdateState(container, current => current.State == before.State ? next : current) ?? next;
        if (stored.State == ContainerState.ContainerExited && before.State != ContainerState.ContainerExited)
        {
            log.LogInformation("container {Id} exited with code {Code} ({Reason})", container.Id, stored.ExitCode, stored.Reason);
        }
        return container with { Status = stored };
    }

    /// <summary>
    /// Stores a status change and, when it moved the container to another state, publishes the events of that
    /// transition exactly once, whoever observed it (StartContainer, a status read, the exit watcher).
    /// </summary>
    public ContainerRunStatus? UpdateState(StoredContainer container, Func<ContainerRunStatus, ContainerRunStatus> change)
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

    /// <summary>
    /// One event with the pod's status and its containers' statuses at this moment, as containerd sends it (a
    /// DELETED container is no longer among them; the pod status is absent once the pod is gone).
    /// </summary>
    public void Publish(ContainerRecord record, ContainerEventType type)
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
            if (pods.Find(record.SandboxId) is { } sandbox)
            {
                containerEvent.PodSandboxStatus = PodSandboxStatuses.Of(sandbox, PodInfra.IsHeld(sandbox, SandboxDirectory.For(daemon.State, sandbox.Id)));
            }
            events.Publish(containerEvent);
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
}
