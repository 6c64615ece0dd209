using CriShim.Protocol.V1;

namespace CriShim.Runtime.Container;

/// <summary>
/// CRI <c>ContainerFilter</c>: every field given must match. Ids and pod sandbox ids match by
/// prefix (as crictl users type them); labels must all be present with equal values.
/// </summary>
public static class ContainerFilters
{
    public static bool Matches(ContainerFilter? filter, StoredContainer container)
    {
        if (filter is null)
        {
            return true;
        }
        var record = container.Record;
        return (filter.Id.Length == 0 || record.Id.StartsWith(filter.Id, StringComparison.Ordinal))
            && (filter.State is null || filter.State.State == container.Status.State)
            && (filter.PodSandboxId.Length == 0 || record.SandboxId.StartsWith(filter.PodSandboxId, StringComparison.Ordinal))
            && filter.LabelSelector.All(l => record.Labels.TryGetValue(l.Key, out var value) && value == l.Value);
    }
}
