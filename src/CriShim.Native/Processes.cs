using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>Process calls: signals, waiting for processes that are not our children, spawning and exec.</summary>
public static class Processes
{
    /// <summary>
    /// Sends <paramref name="signal"/>; false when the process is gone. Only for processes that have neither an
    /// owner here (<see cref="ChildProcess"/>) nor a recorded identity: the members a cgroup lists, ourselves.
    /// </summary>
    public static bool Signal(int pid, int signal)
    {
        if (Libc.Kill(pid, signal) == 0)
        {
            return true;
        }
        var error = Errno.Last("kill", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return error.IsNoSuchProcess ? false : throw error;
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to <paramref name="process"/> only if it is still that process
    /// (through a pidfd, so the pid cannot be recycled in between); false when it is gone.
    /// </summary>
    public static bool Signal(ProcessIdentity process, int signal)
    {
        using var pidfd = OpenPidfd(process);
        if (pidfd is null)
        {
            return false;
        }
        if (Libc.PidfdSendSignal(pidfd, signal) == 0)
        {
            return true;
        }
        var error = Errno.Last("pidfd_send_signal", process.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return error.IsNoSuchProcess ? false : throw error;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for a process (not necessarily our child) to end; true when it has.</summary>
    public static bool WaitForExit(ProcessIdentity process, TimeSpan timeout)
    {
        using var pidfd = OpenPidfd(process);
        if (pidfd is null)
        {
            return true;
        }
        return DescriptorPoll.WaitReadable(pidfd, DescriptorPoll.Deadline(timeout)) || !process.IsAlive;
    }

    /// <summary>A pidfd for <paramref name="process"/>, or null when that process no longer runs.</summary>
    private static SafeFileHandle? OpenPidfd(ProcessIdentity process)
    {
        var pidfd = Libc.PidfdOpen(process.Pid);
        if (pidfd.IsInvalid)
        {
            var error = Errno.Last("pidfd_open", process.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            // EINVAL for a positive pid: the pid is still referenced but its process has already exited
            // (seen under load in the test VM), which for us is the same as ESRCH.
            return error.IsNoSuchProcess || error.IsInvalid ? null : throw error;
        }
        // The pidfd now holds the pid; if it still has the recorded start time, it is the same process.
        if (!process.IsAlive)
        {
            pidfd.Dispose();
            return null;
        }
        return pidfd;
    }

    /// <summary>Reaps every exited child without blocking; returns how many.</summary>
    public static int ReapChildren()
    {
        var reaped = 0;
        while (Libc.Waitpid(-1, out _, Libc.WNOHANG) > 0)
        {
            reaped++;
        }
        return reaped;
    }

    /// <summary>
    /// Starts <paramref name="path"/> in a new session with stdio on /dev/null, cwd /, and
    /// <paramref name="blockedSignals"/> blocked from its first instruction (so every thread it
    /// starts inherits the mask). Uses posix_spawn from the calling thread, so the child gets that
    /// thread's namespaces (and is PID 1 after <c>unshare(CLONE_NEWPID)</c>).
    /// </summary>
    public static int SpawnDetached(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment, IReadOnlyList<int> blockedSignals,
        IReadOnlyDictionary<int, SafeFileHandle>? descriptors = null)
    {
        using var input = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read);
        using var output = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
        var inherited = new Dictionary<int, SafeFileHandle>(descriptors ?? new Dictionary<int, SafeFileHandle>()) { [0] = input, [1] = output, [2] = output };
        return new ProcessSpawner
        {
            Path = path,
            Args = argv,
            Environment = environment,
            Descriptors = inherited,
            NewSession = true,
            BlockedSignals = blockedSignals,
            WorkingDirectory = "/",
        }.Spawn();
    }

    /// <summary>Replaces the process image; returns only by throwing.</summary>
    public static unsafe void Exec(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment)
    {
        using var strings = new ExecStrings(path, argv, environment);
        Libc.Execve(strings.Path, strings.Argv, strings.Envp);
        throw Errno.Last("execve", path);
    }

    /// <summary>Replaces the process image with the executable open at <paramref name="executable"/> (execveat, no path looked up); returns only by throwing.</summary>
    public static unsafe void Exec(SafeFileHandle executable, IReadOnlyList<string> argv, IReadOnlyList<string> environment)
    {
        using var strings = new ExecStrings("", argv, environment);
        Libc.Execveat(executable, strings.Path, strings.Argv, strings.Envp, Libc.AT_EMPTY_PATH);
        throw Errno.Last("execveat", ResolvedPaths.ProcPath(executable));
    }
}
