using System.Formats.Tar;
using System.Security.Cryptography;
using CriShim.Native;

namespace CriShim.Runtime.Container.Checkpoint;

/// <summary>
/// The checkpoint archive at the kubelet's location: an uncompressed tar of a prepared directory (criu's images in
/// <c>checkpoint/</c>, the <see cref="CheckpointMetadata"/> files, <c>rootfs-diff.tar</c>, <c>stats-dump</c>). It is
/// written beside the location and renamed over it once complete, so the location holds a whole archive or nothing.
/// </summary>
public static class CheckpointArchive
{
    public static void Write(string directory, string location)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(location)!,
            $".{Path.GetFileName(location)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                TarFile.CreateFromDirectory(directory, file, includeBaseDirectory: false);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, location, overwrite: true);
            FileSystem.SyncDirectory(Path.GetDirectoryName(location)!);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Unpacks an archive into the empty <paramref name="directory"/>: only regular files and directories, names
    /// that stay inside it (the archive may come from another node).
    /// </summary>
    public static void Extract(string location, string directory)
    {
        using var file = File.OpenRead(location);
        using var reader = new TarReader(file);
        var root = Path.GetFullPath(directory) + "/";
        while (reader.GetNextEntry() is { } entry)
        {
            var target = Path.GetFullPath(Path.Combine(root, entry.Name.TrimStart('/')));
            if (!target.StartsWith(root, StringComparison.Ordinal) && target + "/" != root)
            {
                throw new InvalidDataException($"checkpoint archive {location}: entry '{entry.Name}' leads out of the archive");
            }
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    entry.ExtractToFile(target, overwrite: false);
                    break;
                default:
                    throw new InvalidDataException($"checkpoint archive {location}: entry '{entry.Name}' is a {entry.EntryType}, not a file or directory");
            }
        }
    }
}
