using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>How a child ended: its exit status, or the signal that killed it.</summary>
public readonly record struct ChildExit(int Pid, int ExitStatus, int Signal)
{
    /// <summary>The status as containerd reports it: the exit status, or 128 + signal.</summary>
    public int ExitCode => Signal != 0 ? 128 + Signal : ExitStatus;

    /// <summary>
    /// Reaps the child <paramref name="pid"/> if it has ended (null while it runs); only <see cref="ChildProcess"/>
    /// calls it, so each child is reaped once, by its owner.
    /// </summary>
    internal static ChildExit? TryReap(int pid, bool block)
    {
        while (true)
        {
            var rc = Libc.Waitpid(pid, out var status, block ? 0 : Libc.WNOHANG);
            if (rc == pid)
            {
                // WIFSIGNALED when the low 7 bits name a signal (0x7f means stopped, 0 means exited).
                var signal = status & 0x7f;
                return signal != 0 && signal != 0x7f ? new ChildExit(pid, 0, signal) : new ChildExit(pid, (status >> 8) & 0xff, 0);
            }
            if (rc == 0)
            {
                return null;
            }
            var error = Errno.Last("waitpid", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (error.Errno != Tmds.Linux.LibC.EINTR)
            {
                throw error;
            }
        }
    }
}
