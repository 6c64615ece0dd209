using CriShim.Native;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Contract;

/// <summary>
/// Resolves a path inside a root directory the way a chroot there would: symlinks are followed, an absolute
/// target starts again at the root and ".." never climbs above it, so the result is always inside the root.
/// Every step is taken on a descriptor (openat2 RESOLVE_IN_ROOT, or one O_NOFOLLOW open per component where
/// something must be created or the kernel lacks openat2): a component swapped for a symlink between two
/// steps cannot lead out. Used by the daemon for volumes and devices on the host, and by the helper inside a
/// container's root.
/// </summary>
public static class InRootPath
{
    /// <summary>The kernel's own limit (MAXSYMLINKS), so both sides refuse the same links.</summary>
    private const int MaxSymlinks = 40;

    private const UnixFileMode DirectoryMode = (UnixFileMode)0b111_101_101;

    /// <summary>An O_PATH descriptor of what <paramref name="path"/> names in <paramref name="root"/>; null when nothing does.</summary>
    public static SafeFileHandle? Open(SafeFileHandle root, string path)
    {
        try
        {
            return ResolvedPaths.OpenFollowingInRoot(root, path);
        }
        catch (ErrnoException e) when (e.Errno == Tmds.Linux.LibC.ENOSYS)
        {
            return Walk(root, path, Missing.Null, out _);
        }
    }

    /// <summary>The directory <paramref name="path"/> names in <paramref name="root"/>, created (0755) with its missing parents.</summary>
    public static SafeFileHandle OpenOrCreateDirectory(SafeFileHandle root, string path)
    {
        var directory = Walk(root, path, Missing.CreateDirectories, out _)!;
        if (ResolvedPaths.StatusOf(directory).Kind != UnixFileKind.Directory)
        {
            directory.Dispose();
            throw new ErrnoException(Tmds.Linux.LibC.ENOTDIR, "open directory in root", path);
        }
        return directory;
    }

    /// <summary>
    /// The host path of <paramref name="path"/> resolved inside the directory <paramref name="root"/>. A missing
    /// component is created as a directory (mode 0755) with <see cref="Missing.CreateDirectories"/>; with
    /// <see cref="Missing.CreateParents"/> only the ones before the last are, and a missing last one is named
    /// in its resolved parent; with <see cref="Missing.Null"/> the answer is null.
    /// </summary>
    public static string? Resolve(string root, string path, Missing missing)
    {
        using var rootHandle = ResolvedPaths.OpenHost(root);
        string? leaf = null;
        using var resolved = missing == Missing.Null ? Open(rootHandle, path) : Walk(rootHandle, path, missing, out leaf);
        return resolved is null ? null
            : leaf is null ? HostPathOf(resolved)
            : HostPathOf(resolved).TrimEnd('/') + "/" + leaf;
    }

    /// <summary>The path the kernel gives the file <paramref name="opened"/> refers to, in the caller's mount namespace.</summary>
    public static string HostPathOf(SafeFileHandle opened) => new FileInfo(ResolvedPaths.ProcPath(opened)).LinkTarget!;

    /// <summary>
    /// The descriptor walk: one O_PATH|O_NOFOLLOW open per component below the directory resolved so far, a
    /// symlink read from its own descriptor. <paramref name="leaf"/> is the missing last name of
    /// <see cref="Missing.CreateParents"/>, the result then being its parent.
    /// </summary>
    internal static SafeFileHandle? Walk(SafeFileHandle root, string path, Missing missing, out string? leaf)
    {
        leaf = null;
        var remaining = new LinkedList<string>(Split(path));
        var directories = new Stack<SafeFileHandle>();
        var links = 0;
        try
        {
            while (remaining.First is { } first)
            {
                var name = first.Value;
                remaining.RemoveFirst();
                if (name == "..")
                {
                    if (directories.Count > 0)
                    {
                        directories.Pop().Dispose();
                    }
                    continue;
                }
                var parent = directories.Count > 0 ? directories.Peek() : root;
                var entry = ResolvedPaths.OpenEntry(parent, name);
                if (entry is null)
                {
                    switch (missing)
                    {
                        case Missing.Null:
                            return null;
                        case Missing.CreateParents when remaining.Count == 0:
                            leaf = name;
                            return Duplicate(parent);
                        default:
                            ResolvedPaths.CreateDirectory(parent, name, DirectoryMode);
                            // Look again: what is there now decides, even if someone raced us to it.
                            remaining.AddFirst(name);
                            continue;
                    }
                }
                var kind = ResolvedPaths.StatusOf(entry).Kind;
                if (kind == UnixFileKind.Symlink)
                {
                    var target = ResolvedPaths.ReadLink(entry);
                    entry.Dispose();
                    if (++links > MaxSymlinks)
                    {
                        throw new ErrnoException(Tmds.Linux.LibC.ELOOP, "resolve in root", path);
                    }
                    if (target.StartsWith('/'))
                    {
                        DisposeAll(directories);
                    }
                    foreach (var part in Split(target).Reverse())
                    {
                        remaining.AddFirst(part);
                    }
                    continue;
                }
                if (kind != UnixFileKind.Directory && remaining.Count > 0)
                {
                    entry.Dispose();
                    throw new ErrnoException(Tmds.Linux.LibC.ENOTDIR, "resolve in root", path);
                }
                directories.Push(entry);
            }
            return directories.Count > 0 ? directories.Pop() : Duplicate(root);
        }
        finally
        {
            DisposeAll(directories);
        }
    }

    private static SafeFileHandle Duplicate(SafeFileHandle directory) =>
        ResolvedPaths.OpenEntry(directory, ".") ?? throw new ErrnoException(Tmds.Linux.LibC.ENOENT, "open", ".");

    private static void DisposeAll(Stack<SafeFileHandle> handles)
    {
        while (handles.Count > 0)
        {
            handles.Pop().Dispose();
        }
    }

    private static string[] Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(c => c != ".").ToArray();

    /// <summary>What <see cref="Resolve"/> does about a component that does not exist.</summary>
    public enum Missing
    {
        Null,
        CreateDirectories,
        CreateParents,
    }
}
