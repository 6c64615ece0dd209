using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Cgroups;

/// <summary>Checks and normalises a cgroupfs path from a request: absolute, no <c>.</c> or <c>..</c> components.</summary>
public static class CgroupPath
{
    public static string Normalize(string path)
    {
        if (!path.StartsWith('/'))
        {
            throw new InvalidArgumentException($"cgroup parent '{path}' must be an absolute cgroupfs path such as /kubepods/burstable/pod<uid> (the systemd driver is not supported)");
        }
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p is "." or ".."))
        {
            throw new InvalidArgumentException($"cgroup path '{path}' must not contain '.' or '..'");
        }
        return "/" + string.Join('/', parts);
    }

    /// <summary>The path and each of its ancestors below the root, outermost first: /a, /a/b, /a/b/c.</summary>
    public static IEnumerable<string> Lineage(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 1; i <= parts.Length; i++)
        {
            yield return "/" + string.Join('/', parts.Take(i));
        }
    }

    /// <summary>The directory of <paramref name="path"/> inside the hierarchy mounted at <paramref name="mount"/>.</summary>
    public static string In(string mount, string path) => mount + path;
}
