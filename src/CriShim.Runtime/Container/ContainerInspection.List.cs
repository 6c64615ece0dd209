using CriShim.Protocol.V1;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerInspection
{
    /// <summary>Containers matching every filter given: id (or unique prefix), state, pod sandbox id (or prefix), labels.</summary>
    public ListContainersResponse List(ContainerFilter? filter)
    {
        var response = new ListContainersResponse();
        foreach (var container in Candidates(filter).Select(containers.Refresh).Where(c => ContainerFilters.Matches(filter, c)).OrderBy(c => c.Record.CreatedAt))
        {
            var record = container.Record;
            var cri = new Protocol.V1.Container
            {
                Id = record.Id,
                PodSandboxId = record.SandboxId,
                Metadata = new ContainerMetadata { Name = record.Name, Attempt = record.Attempt },
                Image = new ImageSpec { Image = record.Image },
                ImageRef = record.ImageId,
                ImageId = record.ImageId,
                State = container.Status.State,
                CreatedAt = record.CreatedAt,
            };
            cri.Labels.Add(record.Labels.ToDictionary());
            cri.Annotations.Add(record.Annotations.ToDictionary());
            response.Containers.Add(cri);
        }
        return response;
    }

    /// <summary>With an id filter, only the container it names exactly or by a unique prefix (none when ambiguous, as containerd).</summary>
    private IEnumerable<StoredContainer> Candidates(ContainerFilter? filter)
    {
        if (filter is not { Id.Length: > 0 })
        {
            return Store.All;
        }
        try
        {
            return Store.Resolve(filter.Id) is { } one ? [one] : [];
        }
        catch (Errors.InvalidArgumentException)
        {
            return [];
        }
    }
}
