using System.Text;
using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;
using static Tmds.Linux.LibC;

namespace CriShim.Native;

/// <summary>A pseudo-terminal pair: the master stays with its owner, the slave becomes a child's stdio.</summary>
public sealed class PseudoTerminal : IDisposable
{
    private PseudoTerminal(SafeFileHandle master, SafeFileHandle slave)
    {
        Master = master;
        Slave = slave;
    }

    public SafeFileHandle Master { get; }

    public SafeFileHandle Slave { get; }

    /// <summary>Opens a new pair; neither end becomes the caller's controlling terminal.</summary>
    public static unsafe PseudoTerminal Open()
    {
        var master = Libc.PosixOpenpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master.IsInvalid)
        {
            throw Errno.Last("posix_openpt");
        }
        Errno.Check(Libc.Grantpt(master), "grantpt");
        Errno.Check(Libc.Unlockpt(master), "unlockpt");
        var name = stackalloc byte[128];
        var rc = Libc.PtsnameR(master, name, 128);
        if (rc != 0)
        {
            throw new ErrnoException(rc, "ptsname_r", null);
        }
        var path = Encoding.UTF8.GetString(name, new ReadOnlySpan<byte>(name, 128).IndexOf((byte)0));
        var slave = Libc.Open(path, O_RDWR | O_NOCTTY | O_CLOEXEC, 0);
        if (slave.IsInvalid)
        {
            throw Errno.Last("open", path);
        }
        return new PseudoTerminal(master, slave);
    }

    /// <summary>Makes the terminal on <paramref name="fd"/> the controlling terminal of the caller's new session.</summary>
    public static void MakeControlling(int fd) =>
        Errno.Check(Libc.IoctlInt(fd, Libc.TIOCSCTTY, 0), "ioctl(TIOCSCTTY)");

    /// <summary>Sets the terminal's size (TIOCSWINSZ on the master); the session's foreground group gets SIGWINCH.</summary>
    public static void Resize(SafeFileHandle master, ushort columns, ushort rows) =>
        Errno.Check(Libc.IoctlWindowSize(master, Libc.TIOCSWINSZ, new Libc.WindowSize { Rows = rows, Columns = columns }), "ioctl(TIOCSWINSZ)");

    public void Dispose()
    {
        Master.Dispose();
        Slave.Dispose();
    }
}
