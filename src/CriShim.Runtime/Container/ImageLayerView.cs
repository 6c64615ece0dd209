using CriShim.Native;

namespace CriShim.Runtime.Container;

/// <summary>
/// The merged file tree of an image read straight from its unpacked layer directories (topmost
/// first), as overlayfs would show it, without mounting anything: a 0:0 character device hides
/// what lies below, an opaque directory hides lower copies of itself. Symlinks are resolved inside
/// the view (an absolute target or <c>..</c> stops at the image root), and every layer path is
/// checked with lstat component by component, so nothing outside the layers is ever read.
/// Not <see cref="Contract.InRootPath"/>: a merge of several layers with whiteouts is no single root
/// openat2 could resolve in, and unpacked layers are the daemon's, never written once unpacked.
/// </summary>
public sealed class ImageLayerView(IReadOnlyList<string> layersTopmostFirst)
{
    private const int MaxSymlinks = 40;
    private const string OpaqueXattr = "trusted.overlay.opaque";

    /// <summary>The content of a regular file at <paramref name="path"/> in the image, or null when there is none.</summary>
    public byte[]? ReadFile(string path) =>
        Resolve(path) is { } hostPath && FileSystem.KindOf(hostPath) == UnixFileKind.Regular
            ? File.ReadAllBytes(hostPath)
            : null;

    /// <summary>
    /// The layer file that <paramref name="path"/> names in the merged view, with symlinks followed
    /// inside the view; null when the path does not exist (or passes through a non-directory).
    /// </summary>
    public string? Resolve(string path)
    {
        var remaining = new List<string>(Split(path));
        var directory = new List<string>();
        var active = layersTopmostFirst.ToList();
        var links = 0;
        while (remaining.Count > 0)
        {
            var name = remaining[0];
            remaining.RemoveAt(0);
            if (name == "..")
            {
                if (directory.Count > 0)
                {
                    directory.RemoveAt(directory.Count - 1);
                    active = LayersOf(directory);
                }
                continue;
            }
            var found = Lookup(active, directory, name);
            switch (found)
            {
                case null or { Kind: EntryKind.Whiteout }:
                    return null;
                case { Kind: EntryKind.Symlink } link:
                    if (++links > MaxSymlinks)
                    {
                        return null;
                    }
                    var target = new FileInfo(link.HostPath).LinkTarget ?? "";
                    if (target.StartsWith('/'))
                    {
                        directory.Clear();
                        active = layersTopmostFirst.ToList();
                    }
                    remaining.InsertRange(0, Split(target));
                    continue;
                case { Kind: EntryKind.Directory }:
                    directory.Add(name);
                    active = found.Value.Layers;
                    continue;
                default:
                    return remaining.Count == 0 ? found.Value.HostPath : null;
            }
        }
        return active.Count > 0 ? Path.Combine(active[0], string.Join('/', directory)) : null;
    }

    /// <summary>The layers in which the directory <paramref name="directory"/> contributes entries.</summary>
    private List<string> LayersOf(List<string> directory)
    {
        var active = layersTopmostFirst.ToList();
        var walked = new List<string>();
        foreach (var name in directory)
        {
            if (Lookup(active, walked, name) is not { Kind: EntryKind.Directory } entry)
            {
                return [];
            }
            walked.Add(name);
            active = entry.Layers;
        }
        return active;
    }

    /// <summary>The topmost entry called <paramref name="name"/> in <paramref name="directory"/>; for a directory, the layers that merge into it.</summary>
    private static Entry? Lookup(List<string> active, List<string> directory, string name)
    {
        var relative = string.Join('/', [.. directory, name]);
        for (var i = 0; i < active.Count; i++)
        {
            var hostPath = Path.Combine(active[i], relative);
            if (StatusOf(hostPath) is not { } status)
            {
                continue;
            }
            switch (status.Kind)
            {
                case UnixFileKind.CharacterDevice when status.RdevMajor == 0 && status.RdevMinor == 0:
                    return new Entry(EntryKind.Whiteout, hostPath, []);
                case UnixFileKind.Symlink:
                    return new Entry(EntryKind.Symlink, hostPath, []);
                case UnixFileKind.Directory:
                    return new Entry(EntryKind.Directory, hostPath, MergedBelow(active, i, relative));
                default:
                    return new Entry(EntryKind.Other, hostPath, []);
            }
        }
        return null;
    }

    /// <summary>From layer <paramref name="top"/> down: the layers where <paramref name="relative"/> is a directory, until an opaque one or a non-directory.</summary>
    private static List<string> MergedBelow(List<string> active, int top, string relative)
    {
        var layers = new List<string>();
        for (var i = top; i < active.Count; i++)
        {
            var hostPath = Path.Combine(active[i], relative);
            var status = StatusOf(hostPath);
            if (status is null)
            {
                continue;
            }
            if (status.Value.Kind != UnixFileKind.Directory)
            {
                break;
            }
            layers.Add(active[i]);
            if (IsOpaque(hostPath))
            {
                break;
            }
        }
        return layers;
    }

    private static bool IsOpaque(string hostPath)
    {
        try
        {
            return FileNodes.GetXattr(hostPath, OpaqueXattr) is [(byte)'y'];
        }
        catch (ErrnoException e) when (e.Errno == Tmds.Linux.LibC.EOPNOTSUPP)
        {
            return false;
        }
    }

    private static FileNodeStatus? StatusOf(string hostPath)
    {
        try
        {
            return FileNodes.Status(hostPath);
        }
        catch (ErrnoException e) when (e.IsNotFound || e.Errno == Tmds.Linux.LibC.ENOTDIR)
        {
            return null;
        }
    }

    private static IEnumerable<string> Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(c => c != ".");

    private enum EntryKind
    {
        Directory,
        Symlink,
        Whiteout,
        Other,
    }

    private readonly record struct Entry(EntryKind Kind, string HostPath, List<string> Layers);
}
