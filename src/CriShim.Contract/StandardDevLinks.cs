namespace CriShim.Contract;

/// <summary>
/// The symlinks every container's /dev gets (as runc creates them). Four of them lead into /proc, so a mount
/// destination through one (<c>/dev/fd/5</c>, <c>/dev/stdout</c>) would land in procfs: the daemon refuses it as it
/// refuses any other mount into /proc, and the helper creates the links from this one list.
/// </summary>
public static class StandardDevLinks
{
    public static readonly IReadOnlyList<(string Name, string Target)> Links =
    [
        ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"), ("ptmx", "pts/ptmx"),
    ];

    /// <summary>Where an absolute, normalized destination ends up after one of these links, when that is in /proc; otherwise null.</summary>
    public static string? ProcPathOf(string destination)
    {
        foreach (var (name, target) in Links)
        {
            var link = "/dev/" + name;
            if (ProcVolumes.IsInProc(target) && (destination == link || destination.StartsWith(link + "/", StringComparison.Ordinal)))
            {
                return target + destination[link.Length..];
            }
        }
        return null;
    }
}
