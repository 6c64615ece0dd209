namespace CriShim.Runtime.Image;

public enum TarEntryType
{
    Regular,
    HardLink,
    Symlink,
    CharacterDevice,
    BlockDevice,
    Directory,
    Fifo,
}

/// <summary>One tar entry as a layer describes it, after PAX and GNU long-name records are applied.</summary>
public sealed record TarEntryHeader(
    string Name,
    TarEntryType Type,
    string LinkName,
    UnixFileMode Mode,
    int Uid,
    int Gid,
    long Size,
    DateTimeOffset Modified,
    uint DeviceMajor,
    uint DeviceMinor,
    IReadOnlyDictionary<string, byte[]> Xattrs);
