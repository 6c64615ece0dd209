using System.Runtime.InteropServices;
using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>
/// The one poll(2) loop: waits until descriptors can be read (data, end of file, an error, or for a pidfd, its
/// process ended), retrying EINTR, up to a deadline on <see cref="Environment.TickCount64"/>.
/// </summary>
public static class DescriptorPoll
{
    /// <summary>No deadline: wait as long as it takes.</summary>
    public const long Never = long.MaxValue;

    /// <summary>A deadline <paramref name="timeout"/> from now; <see cref="Never"/> for null or an infinite timeout.</summary>
    public static long Deadline(TimeSpan? timeout) =>
        timeout is not { } span || span == Timeout.InfiniteTimeSpan ? Never : Environment.TickCount64 + (long)span.TotalMilliseconds;

    /// <summary>True when <paramref name="handle"/> became readable before <paramref name="deadline"/>.</summary>
    public static bool WaitReadable(SafeHandle handle, long deadline) => WaitAny([handle], deadline) is not null;

    /// <summary>Which of <paramref name="handles"/> can be read (at least one), or null when <paramref name="deadline"/> passed first.</summary>
    public static bool[]? WaitAny(IReadOnlyList<SafeHandle> handles, long deadline)
    {
        var polls = new Libc.PollFd[handles.Count];
        var added = 0;
        try
        {
            for (; added < handles.Count; added++)
            {
                var referenced = false;
                handles[added].DangerousAddRef(ref referenced);
                polls[added] = new Libc.PollFd { Fd = (int)handles[added].DangerousGetHandle(), Events = Libc.POLLIN };
            }
            while (true)
            {
                var rc = Libc.Poll(ref polls[0], (nuint)polls.Length, (int)Math.Clamp(deadline - Environment.TickCount64, 0, int.MaxValue));
                if (rc > 0)
                {
                    return polls.Select(p => p.Revents != 0).ToArray();
                }
                if (rc == 0)
                {
                    if (Environment.TickCount64 >= deadline)
                    {
                        return null;
                    }
                    continue;
                }
                var error = Errno.Last("poll");
                if (error.Errno != Tmds.Linux.LibC.EINTR)
                {
                    throw error;
                }
            }
        }
        finally
        {
            for (var i = 0; i < added; i++)
            {
                handles[i].DangerousRelease();
            }
        }
    }
}
