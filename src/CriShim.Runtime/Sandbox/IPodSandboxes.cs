namespace CriShim.Runtime.Sandbox;

/// <summary>What the container services read of pods: the records, never the sandbox service (which depends on them through <see cref="IPodContainers"/>).</summary>
public interface IPodSandboxes
{
    /// <summary>The pod with exactly this id, unless it is still being created.</summary>
    PodSandboxRecord? Find(string id);

    /// <summary>The pod with this id or unique id prefix; null when none.</summary>
    PodSandboxRecord? Resolve(string idOrPrefix);
}
