using CriShim.Contract;
using CriShim.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Sandbox;

public sealed partial class SandboxService
{
    /// <summary>Pods stored as ready, for the exit watcher's sweep.</summary>
    public IReadOnlyList<string> ReadyIds() => store.All.Where(r => r.State == PodSandboxLifecycle.Ready).Select(r => r.Id).ToList();

    /// <summary>
    /// A ready pod whose pause died on its own (or, without pause, whose pins someone unmounted) becomes NOTREADY,
    /// with its STOPPED event (as containerd on the sandbox's exit).
    /// </summary>
    public async Task ObservePauseAsync(string id)
    {
        using var held = await _locks.LockAsync(id, CancellationToken.None);
        if (store.Find(id) is { State: PodSandboxLifecycle.Ready } record && !IsHeld(record))
        {
            MarkNoLongerHeld(record, "ended on its own");
            Publish(id, ContainerEventType.ContainerStoppedEvent);
        }
    }

    private void MarkNoLongerHeld(PodSandboxRecord record, string how)
    {
        store.Update(record.Id, r => r with { State = PodSandboxLifecycle.NotReady });
        if (record.Pauseless)
        {
            log.LogWarning("pod sandbox {Id}: its namespace pins {How}; the sandbox is NOTREADY", record.Id, how);
        }
        else
        {
            log.LogWarning("pod sandbox {Id}: pause (pid {Pid}) {How}; the sandbox is NOTREADY", record.Id, record.Pause.Pid, how);
        }
    }

    /// <summary>
    /// A container event about the pod itself: as containerd does, the sandbox id stands in the container_id
    /// field; the pod status is absent once the pod is removed.
    /// </summary>
    private void Publish(string sandboxId, ContainerEventType type)
    {
        // Without a subscriber (no evented PLEG) the statuses would be built on every pod start and stop for nobody.
        if (events.SubscriberCount == 0)
        {
            return;
        }
        var sandboxEvent = new ContainerEventResponse
        {
            ContainerId = sandboxId,
            ContainerEventType = type,
            CreatedAt = CriTimestamp.Now(),
            ContainersStatuses = { containers.StatusesOf(sandboxId) },
        };
        if (store.Find(sandboxId) is { } record)
        {
            sandboxEvent.PodSandboxStatus = PodSandboxStatuses.Of(record, IsHeld(record));
        }
        events.Publish(sandboxEvent);
    }
}
