namespace CriShim.Contract;

/// <summary>
/// A container created from a checkpoint archive: its monitor starts it with <c>criu restore</c> from
/// <see cref="ImagesDirectory"/> instead of running a command, in the rootfs, cgroup and pod namespaces of the spec.
/// </summary>
public sealed record CheckpointRestoreSpec
{
    /// <summary>
    /// The keys under which a dump declares the pod's network and (shared) PID namespaces external, as runc and CRI-O
    /// do; a restore hands criu a descriptor of the new pod's namespace under the same key (<c>--inherit-fd</c>).
    /// </summary>
    public const string NetworkNamespaceKey = "extRootNetNS";

    public const string PidNamespaceKey = "extRootPidNS";

    /// <summary>criu's images, extracted from the archive into the container's directory.</summary>
    public required string ImagesDirectory { get; set; }

    /// <summary>criu's keys of fds 0-2 of the dumped init (<c>pipe:[inode]</c>, <c>file[mnt_id:inode]</c>); the monitor's new stdio takes their places.</summary>
    public IReadOnlyList<string> Descriptors { get; set; } = [];

    /// <summary>The host path to bind at each external mount point of the dump (its container path, criu's key).</summary>
    public IReadOnlyDictionary<string, string> ExternalMounts { get; set; } = new Dictionary<string, string>();
}
