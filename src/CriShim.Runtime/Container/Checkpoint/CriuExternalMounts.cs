using CriShim.Contract;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Container.Checkpoint;

/// <summary>
/// The mounts of a container that come from the host and so are not part of its checkpoint: the pod's
/// /etc files and /dev/shm, volumes (with what lies mounted under them) and the files masked with the host's
/// /dev/null, the container's cgroup directories. criu records each as <c>--external mnt[container path]:key</c> with the container path as key,
/// as runc does, and a restore binds whatever the new container's spec puts at that path
/// (<see cref="Sources"/>). Everything else (the overlay root, /proc, /sys, /dev, devpts, mqueue, the masking
/// tmpfs, read-only binds of the container's own mounts) criu dumps and makes anew.
/// </summary>
public static class CriuExternalMounts
{
    /// <summary>Where the host's /dev/null comes from for masked files; the same on every node.</summary>
    public const string MaskSource = "/dev/null";

    private const string CgroupRoot = "/sys/fs/cgroup";

    /// <summary>
    /// The container paths to declare external at dump: the spec's binds, and of the mounts in the container's
    /// <paramref name="mountInfo"/> (its <c>/proc/PID/mountinfo</c>) those below a volume and the masked paths that are
    /// not a tmpfs (a file masked with /dev/null).
    /// </summary>
    public static IReadOnlyList<string> ForDump(ContainerProcessSpec spec, string mountInfo)
    {
        if (spec.Mounts.FirstOrDefault(m => m.ImageLayers.Count > 0) is { } imageVolume)
        {
            throw new FailedPreconditionException($"a container with an image volume ({imageVolume.ContainerPath}) cannot be checkpointed: criu cannot restore its overlay");
        }
        var mounted = MountPoints(mountInfo);
        var binds = BindSources(spec);
        var external = new List<string>();
        foreach (var (point, fsType) in mounted)
        {
            var underVolume = spec.Mounts.Any(m => IsBelow(point, Normal(m.ContainerPath)));
            var maskedFile = spec.MaskedPaths.Contains(point) && fsType != "tmpfs";
            var cgroup = fsType is "cgroup" or "cgroup2";
            if ((binds.ContainsKey(point) || underVolume || maskedFile || cgroup) && !external.Contains(point))
            {
                external.Add(point);
            }
        }
        return external;
    }

    /// <summary>
    /// For a restore: the host path each external mount point of the new container's <paramref name="spec"/> binds,
    /// keyed by container path. A mount below a volume comes from the same place below the volume's source.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Sources(ContainerProcessSpec spec)
    {
        var sources = BindSources(spec);
        foreach (var masked in spec.MaskedPaths)
        {
            sources.TryAdd(Normal(masked), MaskSource);
        }
        return sources;
    }

    /// <summary>The volumes, the pod's files and the container's cgroup directories, a volume winning over the others at the same path.</summary>
    private static Dictionary<string, string> BindSources(ContainerProcessSpec spec)
    {
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var cgroup in spec.Cgroups)
        {
            sources[cgroup.Hierarchy.Length == 0 ? CgroupRoot : $"{CgroupRoot}/{cgroup.Hierarchy}"] = cgroup.Directory;
        }
        foreach (var mount in spec.Mounts)
        {
            sources[Normal(mount.ContainerPath)] = mount.HostPath;
        }
        foreach (var (point, source) in new[] { ("/etc/hosts", spec.HostsPath), ("/etc/resolv.conf", spec.ResolvConfPath), ("/etc/hostname", spec.HostnamePath), ("/dev/shm", spec.ShmPath) })
        {
            if (source is not null)
            {
                sources.TryAdd(point, source);
            }
        }
        return sources;
    }

    /// <summary>The source of <paramref name="point"/> for a restore: its own, or its volume's with the rest of the path appended.</summary>
    public static string? SourceOf(string point, IReadOnlyDictionary<string, string> sources)
    {
        if (sources.TryGetValue(point, out var source))
        {
            return source;
        }
        var volume = sources.Keys.Where(k => IsBelow(point, k)).OrderByDescending(k => k.Length).FirstOrDefault();
        return volume is null ? null : sources[volume] + point[volume.TrimEnd('/').Length..];
    }

    /// <summary>Mount points and file system types of a mountinfo table, unescaped (the kernel writes space, tab, newline and backslash as octal).</summary>
    public static IReadOnlyList<(string MountPoint, string FsType)> MountPoints(string mountInfo)
    {
        var points = new List<(string, string)>();
        foreach (var line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length)
            {
                continue;
            }
            points.Add((Unescape(fields[4]), fields[separator + 1]));
        }
        return points;
    }

    private static string Unescape(string field)
    {
        var text = new System.Text.StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && !field.AsSpan(i + 1, 3).ContainsAnyExcept("01234567"))
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }
        return text.ToString();
    }

    private static bool IsBelow(string path, string directory) =>
        path.StartsWith(directory.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static string Normal(string containerPath) => "/" + containerPath.Trim('/');
}
