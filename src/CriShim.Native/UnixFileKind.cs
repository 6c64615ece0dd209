namespace CriShim.Native;

public enum UnixFileKind
{
    Regular,
    Directory,
    Symlink,
    Socket,
    Fifo,
    CharacterDevice,
    BlockDevice,
}

public static class UnixFileKinds
{
    /// <summary>The kind an <c>st_mode</c> names (its <c>S_IFMT</c> bits).</summary>
    public static UnixFileKind Of(uint mode) => (mode & 0xF000) switch
    {
        0x8000 => UnixFileKind.Regular,
        0x4000 => UnixFileKind.Directory,
        0xA000 => UnixFileKind.Symlink,
        0xC000 => UnixFileKind.Socket,
        0x1000 => UnixFileKind.Fifo,
        0x2000 => UnixFileKind.CharacterDevice,
        _ => UnixFileKind.BlockDevice,
    };
}
