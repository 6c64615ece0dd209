using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>
/// User, groups and privilege flags of the calling thread only (raw system calls, see DESIGN.md): call
/// them on the thread that will execve, right before it does.
/// </summary>
public static class ThreadCredentials
{
    public static unsafe void SetGroups(IReadOnlyList<uint> gids)
    {
        var list = gids.ToArray();
        fixed (uint* p = list)
        {
            Errno.Check(Libc.SyscallPointers(Libc.SysSetgroups, (void*)list.Length, p), "setgroups");
        }
    }

    /// <summary>Sets real, effective and saved ids: the group first, while the thread may still do it.</summary>
    public static void SetUserAndGroup(uint uid, uint gid)
    {
        Errno.Check(Libc.Syscall3(Libc.SysSetresgid, gid, gid, gid), "setresgid", gid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Errno.Check(Libc.Syscall3(Libc.SysSetresuid, uid, uid, uid), "setresuid", uid.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Keeps the permitted capabilities across a change from uid 0 to another uid (PR_SET_KEEPCAPS).</summary>
    public static void KeepCapabilitiesOnUidChange(bool keep) =>
        Errno.Check(Libc.Prctl(Libc.PR_SET_KEEPCAPS, keep ? 1u : 0u, 0, 0, 0), "prctl(PR_SET_KEEPCAPS)");

    /// <summary>execve will never grant privileges again (setuid bits, file capabilities).</summary>
    public static void SetNoNewPrivileges() =>
        Errno.Check(Libc.Prctl(Libc.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)");

    /// <summary>
    /// Makes the process non-dumpable until its next execve: its /proc/&lt;pid&gt; files belong to root and only
    /// CAP_SYS_PTRACE opens /proc/&lt;pid&gt;/exe, root, cwd, fd or mem (runc's CVE-2016-9962 fix).
    /// </summary>
    public static void SetNotDumpable() =>
        Errno.Check(Libc.Prctl(Libc.PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl(PR_SET_DUMPABLE)");
}
