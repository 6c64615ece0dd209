using CriShim.Contract;

namespace CriShim.Runtime.Container.Checkpoint;

/// <summary>
/// The <c>criu dump</c> of one container: its init and every descendant, left running afterwards (the
/// kubelet's checkpoint API copies a container, it does not stop it). The pod's network namespace, and its PID
/// namespace when the container shares it, outlive the container and are declared external by inode
/// (<see cref="CheckpointRestoreSpec.NetworkNamespaceKey"/>), so a restore joins the new pod's
/// instead. Cgroups are the runtime's: criu records none and a restore puts the tree where criu runs.
/// </summary>
public sealed record CriuDump
{
    public const string LogFile = "dump.log";

    public required int Pid { get; init; }
    public required string ImagesDirectory { get; init; }
    public required string WorkDirectory { get; init; }

    /// <summary>Inode of the pod's network namespace the container is in; null when it has the host's.</summary>
    public ulong? ExternalNetworkNamespace { get; init; }

    /// <summary>Inode of the pod's PID namespace the container joined; null when it has its own.</summary>
    public ulong? ExternalPidNamespace { get; init; }

    /// <summary>Container paths of the mounts that come from the host (<see cref="CriuExternalMounts.ForDump"/>).</summary>
    public IReadOnlyList<string> ExternalMounts { get; init; } = [];

    /// <summary>Files the init holds from outside the container (its /dev/null stdin) as criu's <c>file[mnt_id:inode]</c> keys.</summary>
    public IReadOnlyList<string> ExternalFiles { get; init; } = [];

    public IReadOnlyList<string> Arguments()
    {
        var args = new List<string>
        {
            "dump", "--tree", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--images-dir", ImagesDirectory, "--work-dir", WorkDirectory, "--log-file", LogFile, "-v4",
            "--leave-running", "--manage-cgroups=ignore",
        };
        if (ExternalNetworkNamespace is { } net)
        {
            args.AddRange(["--external", $"net[{net}]:{CheckpointRestoreSpec.NetworkNamespaceKey}"]);
        }
        if (ExternalPidNamespace is { } pid)
        {
            args.AddRange(["--external", $"pid[{pid}]:{CheckpointRestoreSpec.PidNamespaceKey}"]);
        }
        foreach (var point in ExternalMounts)
        {
            args.AddRange(["--external", $"mnt[{point}]:{point}"]);
        }
        foreach (var key in ExternalFiles)
        {
            args.AddRange(["--external", key]);
        }
        return args;
    }
}
