using System.Globalization;
using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>
/// The owner of one child of this process: signals go through its pidfd (never a bare pid), it is reaped
/// exactly once, and disposing it kills and reaps a child that still runs. Thread-safe: one thread may wait
/// while another signals.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly SafeFileHandle _pidfd;
    private readonly Lock _lock = new();
    private ChildExit? _exit;

    private ChildProcess(int pid, SafeFileHandle pidfd)
    {
        Pid = pid;
        _pidfd = pidfd;
    }

    /// <summary>For reports, <c>/proc</c> and <c>cgroup.procs</c>; signals go through <see cref="Signal"/>.</summary>
    public int Pid { get; }

    /// <summary>Readable once the child ended: for <see cref="CapturedChild"/>'s poll, never for signals.</summary>
    internal SafeFileHandle ExitHandle => _pidfd;

    /// <summary>How it ended, once reaped; null while it runs.</summary>
    public ChildExit? Exit
    {
        get
        {
            lock (_lock)
            {
                return _exit;
            }
        }
    }

    /// <summary>
    /// Takes ownership of <paramref name="pid"/>, a child of this process that nobody reaped yet: until it is
    /// reaped its pid cannot name another process, so the pidfd opened now is its own.
    /// </summary>
    public static ChildProcess Adopt(int pid)
    {
        var pidfd = Libc.PidfdOpen(pid);
        if (pidfd.IsInvalid)
        {
            var error = Errno.Last("pidfd_open", pid.ToString(CultureInfo.InvariantCulture));
            pidfd.SetHandleAsInvalid();
            // Not left running unowned; kill(pid) is safe here for the same reason the pidfd would have been.
            Libc.Kill(pid, Signals.SIGKILL);
            ChildExit.TryReap(pid, block: true);
            throw error;
        }
        return new ChildProcess(pid, pidfd);
    }

    /// <summary>Sends <paramref name="signal"/>; false when the child was already reaped or is gone.</summary>
    public bool Signal(int signal)
    {
        lock (_lock)
        {
            if (_exit is not null)
            {
                return false;
            }
            if (Libc.PidfdSendSignal(_pidfd, signal) == 0)
            {
                return true;
            }
            var error = Errno.Last("pidfd_send_signal", Pid.ToString(CultureInfo.InvariantCulture));
            return error.IsNoSuchProcess ? false : throw error;
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to the process group the child leads (it was started in a new session).
    /// There is no pidfd for a group; kill(-pid) is safe while the child is unreaped, since until then its pid,
    /// and so the group's id, cannot be reused.
    /// </summary>
    public bool SignalGroup(int signal)
    {
        lock (_lock)
        {
            if (_exit is not null)
            {
                return false;
            }
            if (Libc.Kill(-Pid, signal) == 0)
            {
                return true;
            }
            var error = Errno.Last("kill", (-Pid).ToString(CultureInfo.InvariantCulture));
            return error.IsNoSuchProcess ? false : throw error;
        }
    }

    /// <summary>
    /// SIGKILLs the child and every process below it, also those in sessions of their own (the helper's init
    /// stages and their commands), as <c>Process.Kill(entireProcessTree: true)</c> does; the caller still reaps the
    /// child. The descendants, found in <c>/proc/&lt;pid&gt;/task/*/children</c>, are each held by a pidfd before the
    /// first is killed, so none is signalled after its pid was recycled.
    /// </summary>
    public void KillTree()
    {
        var below = new List<SafeFileHandle>();
        try
        {
            if (Exit is null)
            {
                CollectDescendants(Pid, below);
            }
            Signal(Signals.SIGKILL);
            foreach (var pidfd in below)
            {
                // ESRCH: it ended meanwhile.
                Libc.PidfdSendSignal(pidfd, Signals.SIGKILL);
            }
        }
        finally
        {
            below.ForEach(pidfd => pidfd.Dispose());
        }
    }

    /// <summary>Blocks until the child ends and reaps it (or returns how it ended, when it was reaped before).</summary>
    public ChildExit WaitForExit() => WaitForExit(DescriptorPoll.Never)!.Value;

    /// <summary>Waits until the child ends or <paramref name="deadline"/> (<see cref="DescriptorPoll"/>) passes; null then.</summary>
    public ChildExit? WaitForExit(long deadline)
    {
        if (Exit is { } exit)
        {
            return exit;
        }
        // Without the lock: a pidfd becomes readable once its process ended, and the reap below then cannot block.
        return DescriptorPoll.WaitReadable(_pidfd, deadline) ? Reap(block: true) : null;
    }

    /// <summary>Reaps the child if it has ended; null while it runs.</summary>
    public ChildExit? TryReap() => Reap(block: false);

    /// <summary>SIGKILL, then the reaped exit.</summary>
    public ChildExit Kill()
    {
        Signal(Signals.SIGKILL);
        return WaitForExit();
    }

    public void Dispose()
    {
        if (Exit is null)
        {
            Kill();
        }
        _pidfd.Dispose();
    }

    private static void CollectDescendants(int pid, List<SafeFileHandle> into)
    {
        List<int> children;
        try
        {
            children = Directory.EnumerateDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task")
                .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(child => int.Parse(child, CultureInfo.InvariantCulture))
                .ToList();
        }
        catch (IOException)
        {
            // The process (or one of its threads) ended while it was read: its children went to init, out of reach.
            return;
        }
        foreach (var child in children)
        {
            var pidfd = Libc.PidfdOpen(child);
            if (pidfd.IsInvalid)
            {
                pidfd.Dispose();
                continue;
            }
            into.Add(pidfd);
            CollectDescendants(child, into);
        }
    }

    private ChildExit? Reap(bool block)
    {
        lock (_lock)
        {
            return _exit ??= ChildExit.TryReap(Pid, block);
        }
    }
}
