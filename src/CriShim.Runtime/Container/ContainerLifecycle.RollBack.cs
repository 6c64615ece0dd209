using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerLifecycle
{
    /// <summary>
    /// Undoes what a CreateContainer that did not finish may have acquired, as its record names it:
    /// the cgroup and the monitor's (emptied first), the writable layer and the state dir; then the record and the name.
    /// Runs when Create fails and, at start-up, for every container a crash left creating. When a step
    /// fails the container stays, CREATED, for RemoveContainer to finish.
    /// </summary>
    private async Task RollBackAsync(string id)
    {
        if (Store.FindAny(id) is not { } container)
        {
            return;
        }
        try
        {
            await RemoveCgroupsAsync(container.Record);
            DeleteDirectories(id);
        }
        catch (Exception e)
        {
            Store.Update(id, s => s with { Creating = false });
            log.LogError(e, "rolling back the half-made container {Id} failed; it stays CREATED for RemoveContainer", id);
            return;
        }
        Store.Remove(id);
        log.LogWarning("container {Id} ({Name}) did not finish being created; rolled back", id, container.Record.Name);
    }
}
