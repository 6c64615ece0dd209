using System.Text;
using CriShim.Native;

namespace CriShim.Runtime.Image;

/// <summary>What unpacking a layer produced.</summary>
public sealed record UnpackResult(long Entries, long Bytes, IReadOnlyList<string> Warnings);

/// <summary>
/// Extracts one layer tar into an empty directory so that the directory can be an overlayfs
/// lowerdir as it is: <c>.wh.NAME</c> becomes a 0:0 character device, <c>.wh..wh..opq</c> the
/// <c>trusted.overlay.opaque=y</c> xattr of its directory. Ownership, modes (setuid included),
/// mtimes, xattrs, hard links, symlinks, devices and FIFOs are kept.
/// <para>
/// Safety: names are cleaned and refused when absolute or containing <c>..</c>; every parent
/// directory is checked with lstat and refused if it is a symlink, so nothing is ever written
/// through a link (the target directory is fresh and only this unpacker writes in it); hard links
/// must point at an earlier entry of the same layer; sizes are bounded by <see cref="UnpackLimits"/>.
/// </para>
/// </summary>
public sealed class LayerUnpacker(UnpackLimits limits)
{
    public const string WhiteoutPrefix = ".wh.";
    public const string OpaqueMarker = ".wh..wh..opq";
    public const string OpaqueXattr = "trusted.overlay.opaque";

    public UnpackResult Unpack(Stream tar, string target) => new Extraction(limits, target).Run(tar);

    private sealed class Extraction(UnpackLimits limits, string root)
    {
        private readonly HashSet<string> _directories = new(StringComparer.Ordinal) { "" };
        private readonly List<(string Path, DateTimeOffset Modified)> _directoryTimes = [];
        private readonly List<string> _warnings = [];
        private long _entries;
        private long _bytes;

        public UnpackResult Run(Stream tar)
        {
            var reader = new TarArchiveReader(tar);
            while (reader.Next() is { } entry)
            {
                if (++_entries > limits.MaxEntries)
                {
                    throw new LayerRejectedException($"the layer has more than {limits.MaxEntries} entries");
                }
                Apply(entry, reader);
            }
            // Directory times last: creating their children changed them.
            foreach (var (path, modified) in _directoryTimes)
            {
                FileNodes.SetTimes(path, modified, modified);
            }
            return new UnpackResult(_entries, _bytes, _warnings);
        }

        private void Apply(TarEntryHeader entry, TarArchiveReader reader)
        {
            var name = Clean(entry.Name, "entry");
            var baseName = name[(name.LastIndexOf('/') + 1)..];
            var parent = name.Contains('/') ? name[..name.LastIndexOf('/')] : "";
            if (baseName.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
            {
                ApplyWhiteout(entry, parent, baseName);
                return;
            }
            EnsureParents(name, entry.Name);
            var path = Full(name);
            switch (entry.Type)
            {
                case TarEntryType.Directory:
                    MakeDirectory(name, path);
                    break;
                case TarEntryType.Regular:
                    WriteFile(entry, name, path, reader.OpenData());
                    break;
                case TarEntryType.HardLink:
                    MakeHardLink(entry, name, path);
                    return;
                case TarEntryType.Symlink:
                    Replace(name, path);
                    File.CreateSymbolicLink(path, entry.LinkName);
                    break;
                case TarEntryType.CharacterDevice:
                    Replace(name, path);
                    FileNodes.CreateCharacterDevice(path, entry.Mode, entry.DeviceMajor, entry.DeviceMinor);
                    break;
                case TarEntryType.BlockDevice:
                    Replace(name, path);
                    FileNodes.CreateBlockDevice(path, entry.Mode, entry.DeviceMajor, entry.DeviceMinor);
                    break;
                case TarEntryType.Fifo:
                    Replace(name, path);
                    FileNodes.CreateFifo(path, entry.Mode);
                    break;
            }
            SetMetadata(entry, path);
        }

        private void ApplyWhiteout(TarEntryHeader entry, string parent, string baseName)
        {
            if (parent.Length > 0)
            {
                EnsureParents(parent + "/" + baseName, entry.Name);
            }
            if (baseName == OpaqueMarker)
            {
                FileNodes.SetXattr(Full(parent), OpaqueXattr, "y"u8);
                return;
            }
            var hidden = baseName[WhiteoutPrefix.Length..];
            if (hidden.Length == 0 || hidden is "." or ".." || hidden.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
            {
                // AUFS bookkeeping (.wh..wh.plnk and the like) has no overlay meaning.
                return;
            }
            var name = parent.Length == 0 ? hidden : parent + "/" + hidden;
            var path = Full(name);
            Replace(name, path);
            FileNodes.CreateCharacterDevice(path, 0, 0, 0);
            FileNodes.SetTimes(path, entry.Modified, entry.Modified);
        }

        private void WriteFile(TarEntryHeader entry, string name, string path, Stream data)
        {
            if (entry.Size > limits.MaxEntryBytes)
            {
                throw new LayerRejectedException($"entry '{entry.Name}' claims {entry.Size} bytes, more than the {limits.MaxEntryBytes} allowed for one file");
            }
            if (_bytes + entry.Size > limits.MaxLayerBytes)
            {
                throw new LayerRejectedException($"the layer unpacks to more than {limits.MaxLayerBytes} bytes");
            }
            Replace(name, path);
            // CreateNew is O_CREAT|O_EXCL: it never opens through a symlink. No preallocation of the declared
            // size: a header may claim gigabytes that never arrive, and the disk is spent only as data does.
            using (var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                data.CopyTo(file, 128 * 1024);
            }
            _bytes += entry.Size;
        }

        private void MakeHardLink(TarEntryHeader entry, string name, string path)
        {
            var targetName = Clean(entry.LinkName, "hard link target");
            EnsureParents(targetName, entry.LinkName, create: false);
            var target = Full(targetName);
            var kind = FileSystem.KindOf(target);
            if (kind is null)
            {
                throw new LayerRejectedException($"hard link '{entry.Name}' points at '{entry.LinkName}', which is not in this layer");
            }
            if (kind == UnixFileKind.Directory)
            {
                throw new LayerRejectedException($"hard link '{entry.Name}' points at directory '{entry.LinkName}'");
            }
            if (targetName == name)
            {
                return;
            }
            Replace(name, path);
            FileNodes.CreateHardLink(target, path);
        }

        private void MakeDirectory(string name, string path)
        {
            if (name.Length > 0)
            {
                if (_directories.Contains(name) || FileSystem.KindOf(path) == UnixFileKind.Directory)
                {
                    _directories.Add(name);
                }
                else
                {
                    Replace(name, path);
                    Directory.CreateDirectory(path);
                    _directories.Add(name);
                }
            }
        }

        private void SetMetadata(TarEntryHeader entry, string path)
        {
            FileNodes.SetOwner(path, entry.Uid, entry.Gid);
            if (entry.Type != TarEntryType.Symlink)
            {
                // After chown, which clears setuid/setgid.
                File.SetUnixFileMode(path, entry.Mode);
            }
            foreach (var (key, value) in entry.Xattrs)
            {
                SetXattr(entry, path, key, value);
            }
            if (entry.Type == TarEntryType.Directory)
            {
                _directoryTimes.Add((path, entry.Modified));
            }
            else
            {
                FileNodes.SetTimes(path, entry.Modified, entry.Modified);
            }
        }

        private void SetXattr(TarEntryHeader entry, string path, string key, byte[] value)
        {
            if (key.StartsWith("trusted.overlay.", StringComparison.Ordinal))
            {
                // Only whiteout markers may set overlay attributes: a forged redirect or metacopy could reach outside the layer.
                throw new LayerRejectedException($"entry '{entry.Name}' carries the overlayfs xattr {key}");
            }
            try
            {
                FileNodes.SetXattr(path, key, value);
            }
            catch (ErrnoException e) when (e.Errno == Tmds.Linux.LibC.EOPNOTSUPP || e.IsPermissionDenied)
            {
                _warnings.Add($"xattr {key} of '{entry.Name}' not set: {e.Message}");
            }
        }

        /// <summary>Removes whatever a previous entry of this layer put at <paramref name="path"/>.</summary>
        private void Replace(string name, string path)
        {
            var kind = FileSystem.KindOf(path);
            if (kind is null)
            {
                return;
            }
            if (kind == UnixFileKind.Directory)
            {
                Directory.Delete(path, recursive: true);
                _directories.RemoveWhere(d => d == name || d.StartsWith(name + "/", StringComparison.Ordinal));
            }
            else
            {
                File.Delete(path);
            }
        }

        /// <summary>Checks (and unless told otherwise creates) each parent of <paramref name="name"/>, refusing symlinks.</summary>
        private void EnsureParents(string name, string original, bool create = true)
        {
            for (var slash = name.IndexOf('/'); slash >= 0; slash = name.IndexOf('/', slash + 1))
            {
                var parent = name[..slash];
                if (_directories.Contains(parent))
                {
                    continue;
                }
                switch (FileSystem.KindOf(Full(parent)))
                {
                    case null when create:
                        Directory.CreateDirectory(Full(parent));
                        break;
                    case UnixFileKind.Directory:
                        break;
                    case UnixFileKind.Symlink:
                        throw new LayerRejectedException($"'{original}' would be reached through the symlink '{parent}'");
                    case null:
                        throw new LayerRejectedException($"'{original}' is not in this layer");
                    default:
                        throw new LayerRejectedException($"'{original}' needs '{parent}' to be a directory");
                }
                _directories.Add(parent);
            }
        }

        private string Clean(string raw, string what)
        {
            if (Encoding.UTF8.GetByteCount(raw) > limits.MaxPathBytes)
            {
                throw new LayerRejectedException($"{what} name longer than {limits.MaxPathBytes} bytes");
            }
            if (raw.StartsWith('/'))
            {
                throw new LayerRejectedException($"{what} '{raw}' is an absolute path");
            }
            var parts = raw.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
            if (parts.Contains(".."))
            {
                throw new LayerRejectedException($"{what} '{raw}' contains '..'");
            }
            return string.Join('/', parts);
        }

        private string Full(string name) => name.Length == 0 ? root : Path.Combine(root, name);
    }
}
