namespace CriShim.Runtime.Container.Checkpoint;

/// <summary>
/// The <c>criu dump</c> of one container: its init and every descendant, left running afterwards (the
/// kubelet's checkpoint API copies a container, it does not stop it). The pod's network namespace, and its PID
/// namespace when the container shares it, outlive the container and are declared external by inode
/// (<c>extRootNetNS</c>/<c>extRootPidNS</c>, the keys runc and CRI-O use), so a restore joins the new pod's
/// instead. Cgroups are the runtime's: criu records none and a restore puts the tree where criu runs.
/// </summary>
public sealed record CriuDump
{
    public const string NetworkKey = "extRootNetNS";
    public const string PidKey = "extRootPidNS";
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
            args.AddRange(["--external", $"net[{net}]:{NetworkKey}"]);
        }
        if (ExternalPidNamespace is { } pid)
        {
            args.AddRange(["--external", $"pid[{pid}]:{PidKey}"]);
        }
        foreach (var point in ExternalMounts)
        {
            args.AddRange(["--external", $"mnt[{point}]:{point}"]);
        }
        return args;
    }
}
