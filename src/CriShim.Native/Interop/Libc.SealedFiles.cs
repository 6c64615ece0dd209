namespace CriShim.Native.Interop;

/// <summary>Sealing a memfd (fcntl F_ADD_SEALS).</summary>
internal static partial class Libc
{
    internal const uint MFD_ALLOW_SEALING = 2;
    internal const int F_ADD_SEALS = 1033;
    internal const int F_SEAL_SEAL = 0x1;
    internal const int F_SEAL_SHRINK = 0x2;
    internal const int F_SEAL_GROW = 0x4;
    internal const int F_SEAL_WRITE = 0x8;
}
