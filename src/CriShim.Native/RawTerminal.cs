using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>
/// A terminal put in raw mode (no echo, no line editing, no signals from keys) for an interactive
/// remote session; disposing restores the mode it had.
/// </summary>
public sealed class RawTerminal : IDisposable
{
    private readonly int _fd;
    private readonly Libc.Termios _saved;
    private bool _restored;

    private RawTerminal(int fd, Libc.Termios saved)
    {
        _fd = fd;
        _saved = saved;
    }

    public static bool IsTerminal(int fd) => Libc.Isatty(fd) == 1;

    /// <summary>Switches <paramref name="fd"/> to raw mode; null when it is not a terminal.</summary>
    public static RawTerminal? Enter(int fd)
    {
        if (!IsTerminal(fd))
        {
            return null;
        }
        Errno.Check(Libc.Tcgetattr(fd, out var saved), "tcgetattr");
        var raw = saved;
        Libc.Cfmakeraw(ref raw);
        Errno.Check(Libc.Tcsetattr(fd, Libc.TCSANOW, raw), "tcsetattr");
        return new RawTerminal(fd, saved);
    }

    /// <summary>The terminal's size as (columns, rows), or null when <paramref name="fd"/> is not a terminal.</summary>
    public static (ushort Columns, ushort Rows)? Size(int fd) =>
        Libc.IoctlReadWindowSize(fd, Libc.TIOCGWINSZ, out var size) == 0 ? (size.Columns, size.Rows) : null;

    public void Dispose()
    {
        if (!_restored)
        {
            _restored = true;
            Libc.Tcsetattr(_fd, Libc.TCSANOW, _saved);
        }
    }
}
