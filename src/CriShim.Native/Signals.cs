using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>Signal numbers (x86_64 and arm64 agree) and the calling thread's signal mask.</summary>
public static class Signals
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int SIGCHLD = 17;

    internal static Libc.SigSet SetOf(IEnumerable<int> signals)
    {
        var set = default(Libc.SigSet);
        Libc.Sigemptyset(ref set);
        foreach (var signal in signals)
        {
            Errno.Check(Libc.Sigaddset(ref set, signal), "sigaddset", signal.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return set;
    }

    /// <summary>True when every one of <paramref name="signals"/> is blocked on the calling thread.</summary>
    public static unsafe bool AreBlocked(IEnumerable<int> signals)
    {
        Libc.SigSet current;
        Libc.PthreadSigmask(Libc.SIG_BLOCK, null, &current);
        foreach (var signal in signals)
        {
            if (Libc.Sigismember(current, signal) != 1)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Blocks <paramref name="signals"/> on the calling thread (inherited by threads it creates and kept across execve).</summary>
    public static unsafe void Block(IEnumerable<int> signals)
    {
        var set = SetOf(signals);
        var rc = Libc.PthreadSigmask(Libc.SIG_BLOCK, &set, null);
        if (rc != 0)
        {
            throw new ErrnoException(rc, "pthread_sigmask", null);
        }
    }
}
