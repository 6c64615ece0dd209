using CriShim.Native;

namespace CriShim.Runtime.Image;

/// <summary>Bytes on disk and inodes of a directory tree, counting each hard-linked inode once, not following symlinks.</summary>
public readonly record struct DiskUsage(long Bytes, long Inodes)
{
    public static DiskUsage operator +(DiskUsage a, DiskUsage b) => new(a.Bytes + b.Bytes, a.Inodes + b.Inodes);

    public static DiskUsage Of(string root)
    {
        var seen = new HashSet<ulong>();
        long bytes = 0, inodes = 0;
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.TryPop(out var path))
        {
            FileNodeStatus status;
            try
            {
                status = FileNodes.Status(path);
            }
            catch (ErrnoException e) when (e.IsNotFound)
            {
                continue;
            }
            if (status.Links > 1 && status.Kind != UnixFileKind.Directory && !seen.Add(status.Inode))
            {
                continue;
            }
            bytes += status.DiskBytes;
            inodes++;
            if (status.Kind == UnixFileKind.Directory)
            {
                try
                {
                    foreach (var child in Directory.EnumerateFileSystemEntries(path))
                    {
                        pending.Push(child);
                    }
                }
                catch (DirectoryNotFoundException)
                {
                }
            }
        }
        return new DiskUsage(bytes, inodes);
    }
}
