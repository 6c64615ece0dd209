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
