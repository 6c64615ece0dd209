using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Sandbox;

public sealed partial class SandboxService
{
    /// <summary>
    /// In-place pod resize: writes the pod's new total (containers plus overhead) to its own cgroup, the kubelet's
    /// <c>pod&lt;uid&gt;</c> parent that PodSandboxStats reads, and records it in the pod's config. The kubelet calls this
    /// after resizing that cgroup itself (the same values again, harmless) and before growing or after shrinking its
    /// containers, so the kernel's rule that a child's CPU quota fits its parent's holds.
    /// </summary>
    public async Task UpdateResourcesAsync(string idOrPrefix, LinuxContainerResources? overhead, LinuxContainerResources? resources)
    {
        if (resources is null && overhead is null)
        {
            throw new InvalidArgumentException("UpdatePodSandboxResources needs resources or overhead");
        }
        var found = store.Resolve(idOrPrefix) ?? throw new NotFoundException($"pod sandbox {idOrPrefix} not found");
        using var held = await _locks.LockAsync(found.Id, CancellationToken.None);
        var record = store.Find(found.Id) ?? throw new NotFoundException($"pod sandbox {idOrPrefix} not found");
        if (record.State != PodSandboxLifecycle.Ready)
        {
            throw new FailedPreconditionException($"pod sandbox {record.Id} is not ready; only a ready pod can be resized");
        }
        // crishim's default parent is never one pod's, even while only one pod of this daemon lives there.
        if (PodCgroupsOf(record) is not [var podCgroup] || podCgroup == record.CgroupPath || podCgroup == DefaultCgroupParent)
        {
            throw new FailedPreconditionException(
                $"pod sandbox {record.Id} has no cgroup of its own (its parent {ParentOf(record.CgroupPath)} may hold other pods); give it its own cgroup_parent (as the kubelet's pod<uid>) to resize it");
        }
        try
        {
            cgroups.Apply(podCgroup, PodCgroupResources.Combine(resources, overhead));
        }
        catch (IOException e)
        {
            throw new InvalidArgumentException($"the kernel refused the pod's resources for {podCgroup}: {e.Message}", e);
        }
        store.Update(record.Id, r =>
        {
            var config = r.Config;
            config.Linux ??= new LinuxPodSandboxConfig();
            config.Linux.Resources = resources ?? config.Linux.Resources;
            config.Linux.Overhead = overhead ?? config.Linux.Overhead;
            return r with { ConfigJson = PodSandboxRecord.ConfigToJson(config) };
        });
        log.LogInformation("pod sandbox {Id}: cgroup {Cgroup} resized to resources {Resources}, overhead {Overhead}", record.Id, podCgroup, resources, overhead);
    }
}
