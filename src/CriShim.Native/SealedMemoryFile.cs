using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>
/// A memfd filled once and sealed (no writing, growing, shrinking or unsealing): content a later stage reads or
/// executes through the descriptor alone, after the file system it came from is out of its view.
/// </summary>
public static class SealedMemoryFile
{
    public static SafeFileHandle Of(string name, ReadOnlySpan<byte> content)
    {
        var file = Libc.MemfdCreate(name, Libc.MFD_CLOEXEC | Libc.MFD_ALLOW_SEALING);
        if (file.IsInvalid)
        {
            throw Errno.Last("memfd_create", name);
        }
        try
        {
            RandomAccess.Write(file, content, 0);
            Seal(file, name);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static void Seal(SafeFileHandle file, string name) =>
        Errno.Check(Libc.Fcntl((int)file.DangerousGetHandle(), Libc.F_ADD_SEALS,
            Libc.F_SEAL_SEAL | Libc.F_SEAL_SHRINK | Libc.F_SEAL_GROW | Libc.F_SEAL_WRITE), "fcntl(F_ADD_SEALS)", name);
}
