using CriShim.Contract;
using CriShim.Protocol.V1;
using CriShim.Runtime.Image;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerInspection
{
    /// <summary>
    /// <c>ImageFsInfo.container_filesystems</c>: the bytes and inodes of every container's writable layer (overlay upper
    /// and work dirs), apart from the image layers, under the mountpoint the containers' own stats name.
    /// </summary>
    public FilesystemUsage WritableLayersUsage()
    {
        var usage = Store.All
            .Select(c => Store.DirectoryOf(c.Record.Id))
            .Aggregate(default(DiskUsage), (sum, directory) => sum + DiskUsage.Of(directory.Upper) + DiskUsage.Of(directory.Work));
        return new FilesystemUsage
        {
            Timestamp = CriTimestamp.Now(),
            FsId = new FilesystemIdentifier { Mountpoint = Store.Directory },
            UsedBytes = new UInt64Value { Value = (ulong)usage.Bytes },
            InodesUsed = new UInt64Value { Value = (ulong)usage.Inodes },
        };
    }
}
