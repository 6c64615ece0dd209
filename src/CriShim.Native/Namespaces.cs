using System.Text;
using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;
using static Tmds.Linux.LibC;

namespace CriShim.Native;

/// <summary>
/// Namespace calls. They act on the calling thread only (see DESIGN.md), so only the runtime helper
/// calls them, on its main thread, right before it spawns or executes the next process.
/// </summary>
public static class Namespaces
{
    /// <summary>Moves the calling thread into new namespaces (for PID: its future children).</summary>
    public static void UnshareCurrentThread(NamespaceKinds kinds)
    {
        if (kinds != NamespaceKinds.None)
        {
            Errno.Check(Libc.Unshare((int)kinds), "unshare", kinds.ToString());
        }
    }

    /// <summary>Moves the calling thread into the namespace at <paramref name="path"/> (a pin or <c>/proc/&lt;pid&gt;/ns/&lt;kind&gt;</c>).</summary>
    public static void JoinCurrentThread(string path, NamespaceKinds kind)
    {
        using var fd = Open(path);
        Errno.Check(Libc.Setns(fd, (int)kind), "setns", path);
    }

    /// <summary>
    /// A namespace file (a pin, <c>/proc/&lt;pid&gt;/ns/&lt;kind&gt;</c> or <c>/proc/thread-self/ns/&lt;kind&gt;</c>) held open,
    /// so it can be joined once the path no longer resolves (after pivot_root) or handed to a child.
    /// </summary>
    public static SafeFileHandle Open(string path)
    {
        SafeFileHandle fd = Libc.Open(path, O_RDONLY | O_CLOEXEC, 0);
        if (fd.IsInvalid)
        {
            var error = Errno.Last("open", path);
            fd.Dispose();
            throw error;
        }
        return fd;
    }

    /// <summary>Moves the calling thread into the namespace <paramref name="ns"/> refers to (see <see cref="Open"/>).</summary>
    public static void JoinCurrentThread(SafeFileHandle ns, NamespaceKinds kind) =>
        Errno.Check(Libc.Setns(ns, (int)kind), "setns", kind.ToString());

    /// <summary>Whether two namespace files (<c>/proc/&lt;pid&gt;/ns/&lt;kind&gt;</c> or pins) name the same namespace.</summary>
    public static unsafe bool AreSame(string first, string second)
    {
        return Identity(first) == Identity(second);

        static (ulong Device, ulong Inode) Identity(string path)
        {
            Tmds.Linux.stat st;
            var bytes = Encoding.UTF8.GetBytes(path + "\0");
            fixed (byte* p = bytes)
            {
                Errno.Check(stat(p, &st), "stat", path);
            }
            return ((ulong)st.st_dev, (ulong)st.st_ino);
        }
    }

    /// <summary>Sets the host name of the calling thread's UTS namespace.</summary>
    public static unsafe void SetHostname(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        fixed (byte* p = bytes)
        {
            Errno.Check(Libc.Sethostname(p, (nuint)bytes.Length), "sethostname", name);
        }
    }
}
