namespace CriShim.Contract;

/// <summary>
/// Everything <c>crishim-runtime container-start</c> needs to start one container, written by the daemon
/// into the container's state directory. Paths are host paths unless named "container path".
/// </summary>
public sealed record ContainerProcessSpec
{
    public required string Id { get; set; }

    /// <summary>Where the monitor writes <c>started.json</c>, <c>exit.json</c> and <c>monitor.log</c>.</summary>
    public required string StateDirectory { get; set; }

    /// <summary>The helper's shared read-only copies of its own files for stage roots (<see cref="StageFileCopies"/>); null: each stage root copies them.</summary>
    public string? StageFiles { get; set; }

    public required ProcessSpec Process { get; set; }

    public ContainerNamespaces Namespaces { get; set; } = new();

    public required ContainerRootfs Rootfs { get; set; }

    /// <summary>CRI <c>ContainerConfig.mounts</c>, host paths already resolved (and created) by the daemon.</summary>
    public IReadOnlyList<ContainerMount> Mounts { get; set; } = [];

    /// <summary>Device nodes made in the container's /dev (the cgroup device rules are the daemon's).</summary>
    public IReadOnlyList<ContainerDevice> Devices { get; set; } = [];

    /// <summary>All host devices, writable /sys; the daemon also sends all capabilities and no masked paths.</summary>
    public bool Privileged { get; set; }

    /// <summary>Bound on /dev/shm: the pod's shm directory, or the host's /dev/shm for host IPC; null means a private tmpfs.</summary>
    public string? ShmPath { get; set; }

    public string? HostsPath { get; set; }

    public string? ResolvConfPath { get; set; }

    public string? HostnamePath { get; set; }

    /// <summary>Container paths hidden by /dev/null (files) or an empty read-only tmpfs (directories).</summary>
    public IReadOnlyList<string> MaskedPaths { get; set; } = [];

    /// <summary>Container paths bound read-only onto themselves.</summary>
    public IReadOnlyList<string> ReadonlyPaths { get; set; } = [];

    /// <summary>
    /// The container's cgroup in every hierarchy its read-only /sys/fs/cgroup shows. The monitor moves the init stage
    /// into the placed ones before it lets it run, so no container code runs outside.
    /// </summary>
    public IReadOnlyList<CgroupPlacement> Cgroups { get; set; } = [];

    /// <summary>The monitor's own cgroup, which it joins first: out of the daemon's cgroup, it outlives a stop of the daemon's service.</summary>
    public IReadOnlyList<CgroupPlacement> MonitorCgroups { get; set; } = [];

    /// <summary>Read by the monitor before and after the container runs: a rise means the kernel OOM-killed in its cgroup.</summary>
    public OomKillCounter? OomKillCounter { get; set; }

    /// <summary>Wanted <c>oom_score_adj</c>; when lowering is refused it is clamped to the inherited value.</summary>
    public int? OomScoreAdj { get; set; }

    /// <summary>Set when the container is restored from a checkpoint rather than started from its command.</summary>
    public CheckpointRestoreSpec? Restore { get; set; }

    /// <summary>The CRI log file (sandbox log directory + container log path); null discards output.</summary>
    public string? LogPath { get; set; }

    /// <summary>Longer lines are split into <c>P</c> records of this many bytes (containerd's max_container_log_line_size).</summary>
    public int LogMaxLineBytes { get; set; } = 16 * 1024;
}

/// <summary>Namespace files to join (pins or <c>/proc/&lt;pid&gt;/ns/*</c>); null means the host's.</summary>
public sealed record ContainerNamespaces
{
    public string? NetworkPath { get; set; }

    public string? IpcPath { get; set; }

    public string? UtsPath { get; set; }

    public PidNamespaceMode PidMode { get; set; } = PidNamespaceMode.New;

    /// <summary>The PID namespace to join when <see cref="PidMode"/> is <see cref="PidNamespaceMode.Join"/>.</summary>
    public string? PidPath { get; set; }

    /// <summary>
    /// The pod's user namespace (its pin), entered after the root is built and pivoted; null: the host's. The image
    /// layers are then id-mapped with it, and the writable layer's top belongs to the namespace's root.
    /// </summary>
    public string? UserPath { get; set; }

    /// <summary>The mappings of <see cref="UserPath"/>'s namespace, as the pod was created with them.</summary>
    public UserNamespaceMappings? UserMappings { get; set; }
}

/// <summary>
/// CRI <c>NamespaceMode</c> for PID as the helper executes it: CONTAINER is New (the command is PID 1),
/// POD and TARGET are Join (the pod's pin, or <c>/proc/&lt;target&gt;/ns/pid</c>), NODE is Host.
/// </summary>
public enum PidNamespaceMode
{
    New,
    Join,
    Host,
}

/// <summary>The overlay root: image layers below, the container's writable layer on top.</summary>
public sealed record ContainerRootfs
{
    /// <summary>Unpacked layer directories, topmost first (overlayfs lowerdir order).</summary>
    public required IReadOnlyList<string> LowerDirectories { get; set; }

    public required string UpperDirectory { get; set; }

    public required string WorkDirectory { get; set; }

    /// <summary>An empty host directory the overlay is mounted on, inside the container's own mount namespace only.</summary>
    public required string MountPoint { get; set; }

    public bool Readonly { get; set; }
}

/// <summary>One CRI volume: a recursive bind of <see cref="HostPath"/> (file or directory).</summary>
public sealed record ContainerMount
{
    public required string ContainerPath { get; set; }

    public required string HostPath { get; set; }

    public bool Readonly { get; set; }

    /// <summary>Read-only submounts too (CRI <c>recursive_read_only</c>); only with <see cref="Readonly"/> and private propagation.</summary>
    public bool RecursiveReadOnly { get; set; }

    public MountPropagation Propagation { get; set; } = MountPropagation.Private;

    /// <summary>
    /// An image volume (CRI <c>Mount.image</c>): the image's layer directories, topmost first, mounted read-only as
    /// an overlay of their own instead of <see cref="HostPath"/> (empty then); empty for a host volume.
    /// </summary>
    public IReadOnlyList<string> ImageLayers { get; set; } = [];

    /// <summary>The directory or file of the image volume to mount (CRI <c>image_sub_path</c>), relative; empty: all of it.</summary>
    public string ImageSubPath { get; set; } = "";

    /// <summary>Id-mapped with the pod's user namespace (CRI <c>uidMappings</c>/<c>gidMappings</c>, checked to be the pod's).</summary>
    public bool IdMapped { get; set; }
}

/// <summary>CRI <c>MountPropagation</c>: rprivate, rslave (host to container) and rshared (both ways).</summary>
public enum MountPropagation
{
    Private,
    HostToContainer,
    Bidirectional,
}

/// <summary>A host device node to recreate at <see cref="ContainerPath"/>.</summary>
public sealed record ContainerDevice
{
    public required string ContainerPath { get; set; }

    public required string HostPath { get; set; }

    /// <summary>CRI permissions (<c>rwm</c>); only the cgroup device rules use them.</summary>
    public string Permissions { get; set; } = "rwm";
}
