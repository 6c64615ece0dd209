using System.Runtime.InteropServices;
using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>Pipes and socket pairs (close-on-exec, handed to children explicitly) and descriptor flags.</summary>
public static class Descriptors
{
    public static unsafe (SafeFileHandle Read, SafeFileHandle Write) CreatePipe()
    {
        var fds = stackalloc int[2];
        Errno.Check(Libc.Pipe2(fds, Libc.O_CLOEXEC_FLAG), "pipe2");
        return (new SafeFileHandle(fds[0], ownsHandle: true), new SafeFileHandle(fds[1], ownsHandle: true));
    }

    /// <summary>A connected pair of stream sockets, both close-on-exec.</summary>
    public static unsafe (SafeFileHandle First, SafeFileHandle Second) CreateSocketPair()
    {
        var fds = stackalloc int[2];
        Errno.Check(Libc.Socketpair(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0, fds), "socketpair");
        return (new SafeFileHandle(fds[0], ownsHandle: true), new SafeFileHandle(fds[1], ownsHandle: true));
    }

    public static void SetCloseOnExec(int fd)
    {
        var flags = Errno.Check(Libc.Fcntl(fd, Libc.F_GETFD, 0), "fcntl(F_GETFD)");
        Errno.Check(Libc.Fcntl(fd, Libc.F_SETFD, flags | Libc.FD_CLOEXEC), "fcntl(F_SETFD)");
    }

    /// <summary>
    /// Puts each handle at its descriptor number (without close-on-exec), whatever numbers the handles have now:
    /// every source is copied to a free number above all targets first (F_DUPFD, which overwrites no other open
    /// descriptor), then down to its target, so none is overwritten early. What was open at a target is replaced.
    /// </summary>
    public static void Arrange(IReadOnlyDictionary<int, SafeFileHandle> targets)
    {
        var above = targets.Keys.Max() + 1;
        var staged = targets.Select(t => (Target: t.Key,
            Copy: Errno.Check(Libc.Fcntl((int)t.Value.DangerousGetHandle(), Libc.F_DUPFD_CLOEXEC, above), "fcntl(F_DUPFD_CLOEXEC)"))).ToList();
        foreach (var (target, copy) in staged)
        {
            Errno.Check(Libc.Dup2(copy, target), "dup2");
            Libc.Close(copy);
        }
    }

    /// <summary>Clears close-on-exec: <paramref name="fd"/> stays open in the next image.</summary>
    public static void KeepOnExec(int fd)
    {
        var flags = Errno.Check(Libc.Fcntl(fd, Libc.F_GETFD, 0), "fcntl(F_GETFD)");
        Errno.Check(Libc.Fcntl(fd, Libc.F_SETFD, flags & ~Libc.FD_CLOEXEC), "fcntl(F_SETFD)");
    }

    /// <summary>Marks every descriptor from <paramref name="first"/> up close-on-exec, so execve leaks none of the runtime's.</summary>
    public static void SetCloseOnExecFrom(int first) =>
        Errno.Check(Libc.Syscall3(Libc.SysCloseRange, first, uint.MaxValue, Libc.CLOSE_RANGE_CLOEXEC), "close_range");

    /// <summary>Makes <paramref name="target"/> a copy of <paramref name="source"/> (closing what was there).</summary>
    public static void Duplicate(SafeFileHandle source, int target) =>
        Errno.Check(Libc.Dup2((int)source.DangerousGetHandle(), target), "dup2");

    /// <summary>Writes all of <paramref name="data"/> to a raw descriptor (retrying short writes and EINTR).</summary>
    public static unsafe void WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            var done = 0;
            while (done < data.Length)
            {
                var n = Libc.Write(fd, p + done, (nuint)(data.Length - done));
                if (n < 0)
                {
                    var error = Errno.Last("write");
                    if (error.Errno == Tmds.Linux.LibC.EINTR)
                    {
                        continue;
                    }
                    throw error;
                }
                done += (int)n;
            }
        }
    }

    /// <summary>Writes all of <paramref name="data"/> (retrying short writes and EINTR).</summary>
    public static void WriteAll(SafeHandle fd, ReadOnlySpan<byte> data)
    {
        var added = false;
        fd.DangerousAddRef(ref added);
        try
        {
            WriteAll((int)fd.DangerousGetHandle(), data);
        }
        finally
        {
            fd.DangerousRelease();
        }
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length; 0 at end of file.</summary>
    public static int Read(SafeHandle fd, Span<byte> buffer)
    {
        var added = false;
        fd.DangerousAddRef(ref added);
        try
        {
            return Read((int)fd.DangerousGetHandle(), buffer);
        }
        finally
        {
            fd.DangerousRelease();
        }
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length from a raw descriptor; 0 at end of file.</summary>
    public static unsafe int Read(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = Libc.Read(fd, p, (nuint)buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }
                var error = Errno.Last("read");
                if (error.Errno != Tmds.Linux.LibC.EINTR)
                {
                    throw error;
                }
            }
        }
    }
}
