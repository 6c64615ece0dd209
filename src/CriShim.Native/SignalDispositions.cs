using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>
/// Signal state that survives execve: the mask and ignored signals (the .NET runtime ignores SIGPIPE).
/// Handlers are reset by the kernel; only these two would leak into a container's process.
/// </summary>
public static class SignalDispositions
{
    private const nint SigDefault = 0;
    private const nint SigIgnore = 1;

    /// <summary>Empties the calling thread's mask and sets every ignored signal back to its default.</summary>
    public static unsafe void ResetForExec()
    {
        Libc.SigSet empty = default;
        Libc.Sigemptyset(ref empty);
        Libc.PthreadSigmask(Libc.SIG_SETMASK, &empty, null);
        for (var signal = 1; signal <= 64; signal++)
        {
            Libc.SignalAction current;
            if (signal is Signals.SIGKILL or 19 || Libc.Sigaction(signal, null, &current) != 0)
            {
                continue;
            }
            if (current.Handler == SigIgnore)
            {
                Libc.SignalDisposition(signal, SigDefault);
            }
        }
    }
}
