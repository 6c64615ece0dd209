using CriShim.Native;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Container;

/// <summary>
/// Resolves a path inside a root directory the way the kernel would inside a chroot there: each
/// component is checked with lstat, a symlink's target is followed relative to the root (an
/// absolute target starts again at the root, <c>..</c> never climbs above it), so the result is
/// always inside the root and contains no symlinks. Missing directories can be created on the way,
/// each one directly under an already resolved parent.
/// </summary>
public static class ScopedPath
{
    private const int MaxSymlinks = 40;

    /// <summary>The resolved path (under <paramref name="root"/>), or null when something is missing and <paramref name="createMissing"/> is false.</summary>
    public static string? Resolve(string root, string path, bool createMissing)
    {
        root = Path.GetFullPath(root).TrimEnd('/');
        var remaining = new List<string>(Split(path));
        var resolved = new List<string>();
        var links = 0;
        while (remaining.Count > 0)
        {
            var name = remaining[0];
            remaining.RemoveAt(0);
            if (name == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }
                continue;
            }
            var candidate = Join(root, [.. resolved, name]);
            switch (FileSystem.KindOf(candidate))
            {
                case UnixFileKind.Symlink:
                    if (++links > MaxSymlinks)
                    {
                        throw new InvalidArgumentException($"{path}: too many levels of symbolic links");
                    }
                    var target = new FileInfo(candidate).LinkTarget ?? "";
                    if (target.StartsWith('/'))
                    {
                        resolved.Clear();
                    }
                    remaining.InsertRange(0, Split(target));
                    continue;
                case null when createMissing:
                    CreateDirectory(candidate);
                    // Look again: what is there now decides, even if someone raced us to it.
                    remaining.Insert(0, name);
                    continue;
                case null:
                    return null;
                case not UnixFileKind.Directory when remaining.Count > 0:
                    throw new InvalidArgumentException($"{path}: {candidate} is not a directory");
            }
            resolved.Add(name);
        }
        return Join(root, resolved);
    }

    private static void CreateDirectory(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (IOException) when (FileSystem.KindOf(path) is not null)
        {
            // Created by someone else in between: the next lstat decides what it is.
        }
    }

    private static string Join(string root, IEnumerable<string> components)
    {
        var relative = string.Join('/', components);
        return relative.Length == 0 ? (root.Length == 0 ? "/" : root) : $"{root}/{relative}";
    }

    private static IEnumerable<string> Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(c => c != ".");
}
