namespace CriShim.Runtime.Cgroups;

/// <summary>Finds cgroups by their own name anywhere in the hierarchy, for the start-up sweep of cgroups whose record is lost.</summary>
public static class CgroupSearch
{
    private const int MaxDepth = 10;

    /// <summary>cgroupfs paths (<c>/a/b/crishim-&lt;id&gt;</c>) of every cgroup whose last element is one of <paramref name="names"/>.</summary>
    public static IReadOnlyList<string> FindNamed(ICgroupManager cgroups, IReadOnlySet<string> names)
    {
        if (names.Count == 0)
        {
            return [];
        }
        // Every process is in every hierarchy: the first one shows every cgroup crishim creates.
        var root = cgroups.Placements("")[0].Directory;
        var found = new List<string>();
        Walk(root, "", 0, names, found);
        return found;
    }

    private static void Walk(string directory, string path, int depth, IReadOnlySet<string> names, List<string> found)
    {
        IEnumerable<string> children;
        try
        {
            children = Directory.EnumerateDirectories(directory).ToList();
        }
        catch (Exception e) when (e is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return;
        }
        foreach (var child in children)
        {
            var name = Path.GetFileName(child);
            var childPath = $"{path}/{name}";
            if (names.Contains(name))
            {
                found.Add(childPath);
            }
            else if (depth < MaxDepth)
            {
                Walk(child, childPath, depth + 1, names, found);
            }
        }
    }
}
