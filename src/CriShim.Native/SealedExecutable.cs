using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>
/// A sealed in-memory copy of an executable (runc's answer to CVE-2019-5736): a process started from it
/// has a memfd, not a host file, behind /proc/self/exe, and nothing can write to the copy (F_SEAL_WRITE,
/// no growing, shrinking or unsealing). Start it through <see cref="ResolvedPaths.ProcPath"/> of a
/// descriptor the child holds at execve.
/// </summary>
public static class SealedExecutable
{
    public static SafeFileHandle CopyOf(string path)
    {
        var copy = Libc.MemfdCreate(Path.GetFileName(path), Libc.MFD_CLOEXEC | Libc.MFD_ALLOW_SEALING);
        if (copy.IsInvalid)
        {
            throw Errno.Last("memfd_create", path);
        }
        try
        {
            using var source = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            for (var remaining = RandomAccess.GetLength(source); remaining > 0;)
            {
                var copied = Libc.Sendfile(copy, source, 0, (nuint)remaining);
                remaining -= copied > 0 ? copied : throw (copied < 0 ? Errno.Last("sendfile", path) : new IOException($"{path} shrank while it was copied"));
            }
            SealedMemoryFile.Seal(copy, path);
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }
}
