using CriShim.Protocol.V1;

namespace CriShim.Runtime.Sandbox;

public sealed partial class SandboxService
{
    /// <summary>Sandboxes matching the filter: id (full or prefix), state, and every label in the selector.</summary>
    public IReadOnlyList<PodSandbox> List(PodSandboxFilter? filter)
    {
        var result = new List<PodSandbox>();
        foreach (var record in store.All.OrderBy(r => r.CreatedAt))
        {
            var config = record.Config;
            var sandbox = new PodSandbox
            {
                Id = record.Id,
                Metadata = config.Metadata,
                State = PodSandboxStatuses.StateOf(record, IsHeld(record)),
                CreatedAt = record.CreatedAt,
                Labels = { config.Labels },
                Annotations = { config.Annotations },
                RuntimeHandler = record.RuntimeHandler,
            };
            if (Matches(sandbox, filter))
            {
                result.Add(sandbox);
            }
        }
        return result;
    }

    public static bool Matches(PodSandbox sandbox, PodSandboxFilter? filter)
    {
        if (filter is null)
        {
            return true;
        }
        if (filter.Id.Length > 0 && !sandbox.Id.StartsWith(filter.Id, StringComparison.Ordinal))
        {
            return false;
        }
        if (filter.State is { } state && sandbox.State != state.State)
        {
            return false;
        }
        return filter.LabelSelector.All(l => sandbox.Labels.TryGetValue(l.Key, out var v) && v == l.Value);
    }
}
