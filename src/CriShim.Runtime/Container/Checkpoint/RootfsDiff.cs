using System.Formats.Tar;
using CriShim.Native;
using LayerUnpacker = CriShim.Runtime.Image.LayerUnpacker;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Runtime.Container.Checkpoint;

/// <summary>
/// <c>rootfs-diff.tar</c>: the container's writable layer as an OCI layer (overlay whiteouts, 0:0 character
/// devices, become <c>.wh.NAME</c>; opaque directories get <c>.wh..wh..opq</c>), so a restore unpacks it with the
/// image layers' own <see cref="LayerUnpacker"/> into the new container's writable layer. The layer belongs to a
/// running, hostile container: every entry is opened by descriptor below its parent's descriptor and never
/// followed, so a symlink swapped in while this walks cannot lead it out of the layer.
/// </summary>
public static class RootfsDiff
{
    public static void Write(string upper, Stream output)
    {
        using var root = ResolvedPaths.OpenHost(upper);
        using var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        WriteDirectory(root, "", tar);
    }

    private static void WriteDirectory(SafeFileHandle directory, string prefix, TarWriter tar)
    {
        var self = ResolvedPaths.ProcPath(directory);
        if (prefix.Length > 0 && FileNodes.GetXattr(self + "/.", LayerUnpacker.OpaqueXattr) is [(byte)'y'])
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, prefix + LayerUnpacker.OpaqueMarker));
        }
        foreach (var name in Directory.EnumerateFileSystemEntries(self).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            using var entry = ResolvedPaths.OpenEntry(directory, name!);
            if (entry is null)
            {
                continue;
            }
            var status = FileNodes.Status(entry);
            var path = prefix + name;
            if (status.Kind == UnixFileKind.CharacterDevice && status.RdevMajor == 0 && status.RdevMinor == 0)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, prefix + LayerUnpacker.WhiteoutPrefix + name));
                continue;
            }
            switch (status.Kind)
            {
                case UnixFileKind.Directory:
                    tar.WriteEntry(Entry(TarEntryType.Directory, path + "/", status));
                    using (var opened = ResolvedPaths.OpenInRoot(directory, name!))
                    {
                        if (opened is not null)
                        {
                            WriteDirectory(opened, path + "/", tar);
                        }
                    }
                    break;
                case UnixFileKind.Regular:
                    using (var content = File.OpenHandle(ResolvedPaths.ProcPath(entry), FileMode.Open, FileAccess.Read))
                    using (var stream = new FileStream(content, FileAccess.Read))
                    {
                        var file = Entry(TarEntryType.RegularFile, path, status);
                        file.DataStream = stream;
                        tar.WriteEntry(file);
                    }
                    break;
                case UnixFileKind.Symlink:
                    var link = Entry(TarEntryType.SymbolicLink, path, status);
                    link.LinkName = ResolvedPaths.ReadLink(entry);
                    tar.WriteEntry(link);
                    break;
                case UnixFileKind.CharacterDevice or UnixFileKind.BlockDevice:
                    var device = Entry(status.Kind == UnixFileKind.CharacterDevice ? TarEntryType.CharacterDevice : TarEntryType.BlockDevice, path, status);
                    device.DeviceMajor = (int)status.RdevMajor;
                    device.DeviceMinor = (int)status.RdevMinor;
                    tar.WriteEntry(device);
                    break;
                case UnixFileKind.Fifo:
                    tar.WriteEntry(Entry(TarEntryType.Fifo, path, status));
                    break;
            }
        }
    }

    private static PaxTarEntry Entry(TarEntryType type, string name, FileNodeStatus status) => new(type, name)
    {
        Mode = status.Permissions,
        Uid = status.Uid,
        Gid = status.Gid,
        ModificationTime = status.Modified,
    };
}
