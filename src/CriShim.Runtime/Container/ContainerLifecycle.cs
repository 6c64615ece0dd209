using CriShim.Protocol.V1;
using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Errors;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container;

/// <summary>
/// Creates, starts, stops and removes containers, one partial file per RPC, and recovers them at start-up.
/// Containers are never the daemon's children: what happens to their processes the monitors record, and
/// <see cref="ContainerTracker"/> reads it, so a restarted daemon (a new instance over the same directories)
/// loses nothing. Everything it acquires goes through the seams <see cref="ICgroupManager"/> and <see cref="IContainerRuntime"/>.
/// </summary>
public sealed partial class ContainerLifecycle(
    DaemonConfig daemon,
    ContainerTracker containers,
    ContainerPlanner planner,
    ICgroupManager cgroups,
    IContainerRuntime runtime,
    ILogger<ContainerLifecycle> log) : IContainerLifecycle
{
    private bool _oomClampReported;

    private ContainerStore Store => containers.Store;

    private void ApplyResources(string cgroupPath, LinuxContainerResources? resources)
    {
        if (resources is null)
        {
            return;
        }
        try
        {
            cgroups.Apply(cgroupPath, CgroupResources.From(resources));
        }
        catch (IOException e)
        {
            throw new InvalidArgumentException($"the kernel refused the container's resources: {e.Message}", e);
        }
    }

    /// <summary>
    /// Empties and removes the container's cgroup, then its monitor's: the monitor ends right after the container,
    /// and one still finishing its log has nothing left to report to.
    /// </summary>
    private async Task RemoveCgroupsAsync(ContainerRecord record)
    {
        foreach (var cgroup in new[] { record.CgroupPath, MonitorCgroup.Of(record.CgroupPath, record.Id) })
        {
            await Task.Run(() => cgroups.Kill(cgroup));
            cgroups.Remove(cgroup);
        }
    }

    /// <summary>The container's state directory and its writable layer (with the spec); missing ones are fine.</summary>
    private void DeleteDirectories(string id)
    {
        foreach (var path in new[] { containers.StateOf(id).Path, Store.DirectoryOf(id).Path })
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }
}
