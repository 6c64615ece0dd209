namespace CriShim.Runtime.Container;

/// <summary>
/// What a container is, fixed at CreateContainer and persisted under <c>{root}/containers/metadata</c>;
/// what happens to it lives apart in <see cref="ContainerRunStatus"/>.
/// </summary>
public sealed record ContainerRecord
{
    public required string Id { get; init; }
    public required string SandboxId { get; init; }
    public required string Name { get; init; }
    public required uint Attempt { get; init; }

    /// <summary>The image as the request named it, and the image ID it resolved to.</summary>
    public required string Image { get; init; }
    public required string ImageId { get; init; }

    /// <summary>Chain IDs of the image layers the rootfs stacks, kept from garbage collection while the container exists.</summary>
    public IReadOnlyList<string> Layers { get; init; } = [];

    /// <summary>Nanoseconds since the epoch.</summary>
    public required long CreatedAt { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>The CRI ContainerConfig as protobuf JSON, so status can echo mounts and settings.</summary>
    public required string ConfigJson { get; init; }

    /// <summary>Absolute CRI log file (sandbox log_directory + log_path); empty when the kubelet asked for none.</summary>
    public string LogPath { get; init; } = "";

    /// <summary>The container's cgroupfs path (under the sandbox's parent).</summary>
    public required string CgroupPath { get; init; }

    /// <summary>The signal StopContainer sends first (from the config or the image; SIGTERM when neither says).</summary>
    public required int StopSignal { get; init; }

    /// <summary>The execution spec the runtime helper runs, also shown in verbose status.</summary>
    public required string SpecFile { get; init; }
}
