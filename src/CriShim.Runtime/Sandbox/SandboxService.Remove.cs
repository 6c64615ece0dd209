using CriShim.Protocol.V1;
using CriShim.Runtime.Daemon;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Sandbox;

public sealed partial class SandboxService
{
    /// <summary>Stops the pod if needed and removes every trace: containers, pins, /dev/shm, cgroup, state dir, record. Idempotent.</summary>
    public async Task RemoveAsync(string idOrPrefix, CancellationToken cancel)
    {
        if (store.Resolve(idOrPrefix) is not { } found)
        {
            return;
        }
        using var held = await _locks.LockAsync(found.Id, cancel);
        if (store.Find(found.Id) is not { } record)
        {
            return;
        }
        await StopLockedAsync(record, cancel);
        await containers.RemoveAllAsync(record.Id, cancel);
        FaultPoint.Reach("remove-pod.after-containers");
        await ReleaseHostResourcesAsync(record.Id);
        FaultPoint.Reach("remove-pod.before-record");
        store.Remove(record.Id);
        _cpuRates.Forget(record.Id);
        Publish(record.Id, ContainerEventType.ContainerDeletedEvent);
        store.Names.Release(PodSandboxRecord.NameOf(record.Config.Metadata), record.Id);
        log.LogInformation("pod sandbox {Id} removed", record.Id);
    }

    /// <summary>
    /// Unpins the namespaces, unmounts /dev/shm, empties and removes the pod's cgroup and the parents it
    /// owns, and deletes the state dir: everything of the pod on the host but its record. Idempotent.
    /// </summary>
    private async Task ReleaseHostResourcesAsync(string id)
    {
        var directory = DirectoryOf(id);
        infra.Release(directory);
        FaultPoint.Reach("remove-pod.after-pins");
        await RemoveCgroupsAsync(id);
        FaultPoint.Reach("remove-pod.after-cgroups");
        if (Directory.Exists(directory.Path))
        {
            Directory.Delete(directory.Path, recursive: true);
        }
    }

    /// <summary>
    /// Empties and removes the pod's own cgroup, then the ancestors it owns, innermost first. Ancestors
    /// still holding another pod's cgroups go to the pods below them, which delete them last. Decided
    /// under <see cref="_cgroupParents"/> from the record as it is then, never from one read earlier.
    /// </summary>
    private async Task RemoveCgroupsAsync(string id)
    {
        if (store.FindAny(id) is not { } before)
        {
            return;
        }
        await Task.Run(() => cgroups.Kill(before.CgroupPath));
        await using (await _cgroupParents.LockAsync())
        {
            if (store.FindAny(id) is not { } record)
            {
                return;
            }
            cgroups.Remove(record.CgroupPath);
            var parents = record.CreatedCgroupParents.Where(c => c != record.CgroupPath).ToList();
            for (var i = parents.Count - 1; i >= 0; i--)
            {
                if (!cgroups.Remove(parents[i]))
                {
                    log.LogDebug("cgroup {Cgroup} still has child cgroups; left in place", parents[i]);
                    HandOver(parents[..(i + 1)], id);
                    return;
                }
            }
        }
    }

    /// <summary>Cgroup parents a removed pod created but could not delete go to the pods still below them (also those being created).</summary>
    private void HandOver(IReadOnlyList<string> parents, string removedId)
    {
        foreach (var heir in store.Records.Where(r => r.Id != removedId))
        {
            var inherited = parents.Where(p => heir.CgroupPath.StartsWith(p + "/", StringComparison.Ordinal) && !heir.CreatedCgroupParents.Contains(p)).ToList();
            if (inherited.Count > 0)
            {
                store.Update(heir.Id, r => r with { CreatedCgroupParents = [.. inherited, .. r.CreatedCgroupParents] });
            }
        }
    }
}
