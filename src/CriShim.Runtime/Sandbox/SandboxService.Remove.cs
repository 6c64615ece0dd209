using CriShim.Native;
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
        var directory = DirectoryOf(record.Id);
        new NamespacePins(directory.Namespaces).Remove();
        Mounts.Unmount(directory.Shm);
        FaultPoint.Reach("remove-pod.after-pins");
        var keptParents = RemoveCgroups(record.CgroupPath, record.CreatedCgroupParents);
        HandOver(keptParents, record.Id);
        FaultPoint.Reach("remove-pod.after-cgroups");
        if (Directory.Exists(directory.Path))
        {
            Directory.Delete(directory.Path, recursive: true);
        }
        FaultPoint.Reach("remove-pod.before-record");
        store.Remove(record.Id);
        _cpuRates.Forget(record.Id);
        Publish(record.Id, ContainerEventType.ContainerDeletedEvent);
        store.Names.Release(PodSandboxRecord.NameOf(record.Config.Metadata), record.Id);
        log.LogInformation("pod sandbox {Id} removed", record.Id);
    }

    /// <summary>
    /// Empties and removes the pod's own cgroup, then the ancestors Run created, innermost first.
    /// Returns the ancestors left in place because other cgroups (another pod's) are still below them.
    /// </summary>
    private IReadOnlyList<string> RemoveCgroups(string cgroupPath, IReadOnlyList<string> createdParents)
    {
        cgroups.Kill(cgroupPath);
        cgroups.Remove(cgroupPath);
        var parents = createdParents.Where(c => c != cgroupPath).ToList();
        for (var i = parents.Count - 1; i >= 0; i--)
        {
            if (!cgroups.Remove(parents[i]))
            {
                log.LogDebug("cgroup {Cgroup} still has child cgroups; left in place", parents[i]);
                return parents[..(i + 1)];
            }
        }
        return [];
    }

    /// <summary>Cgroup parents a removed pod created but could not delete go to the pods still below them, which delete them last.</summary>
    private void HandOver(IReadOnlyList<string> parents, string removedId)
    {
        foreach (var heir in store.All.Where(r => r.Id != removedId))
        {
            var inherited = parents.Where(p => heir.CgroupPath.StartsWith(p + "/", StringComparison.Ordinal) && !heir.CreatedCgroupParents.Contains(p)).ToList();
            if (inherited.Count > 0)
            {
                store.Update(heir.Id, r => r with { CreatedCgroupParents = [.. inherited, .. r.CreatedCgroupParents] });
            }
        }
    }
}
