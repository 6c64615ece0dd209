namespace CriShim.Native;

/// <summary>mount(2) flags.</summary>
[Flags]
public enum MountFlags : ulong
{
    None = 0,
    ReadOnly = 0x1,
    NoSuid = 0x2,
    NoDev = 0x4,
    NoExec = 0x8,
    Remount = 0x20,
    NoAtime = 0x400,
    Bind = 0x1000,
    Recursive = 0x4000,
    Private = 1 << 18,
    Slave = 1 << 19,
    Shared = 1 << 20,
    RelAtime = 1 << 21,
    StrictAtime = 1 << 24,
}
