using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>
/// Receives blocked signals as reads from a file descriptor instead of through a handler, so no
/// managed code ever runs in signal context. The signals must be blocked in every thread.
/// </summary>
public sealed class SignalFd : IDisposable
{
    private readonly SafeFileHandle _fd;

    public SignalFd(IEnumerable<int> signals)
    {
        var set = Signals.SetOf(signals);
        var fd = Errno.Check(Libc.Signalfd(-1, set, Libc.SFD_CLOEXEC), "signalfd");
        _fd = new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Waits for the next signal and returns its number.</summary>
    public unsafe int Read()
    {
        // struct signalfd_siginfo is 128 bytes; ssi_signo comes first.
        var info = stackalloc byte[128];
        while (true)
        {
            var n = Libc.Read((int)_fd.DangerousGetHandle(), info, 128);
            if (n == 128)
            {
                return *(int*)info;
            }
            var error = Errno.Last("read", "signalfd");
            if (error.Errno != Tmds.Linux.LibC.EINTR)
            {
                throw error;
            }
        }
    }

    public void Dispose() => _fd.Dispose();
}
