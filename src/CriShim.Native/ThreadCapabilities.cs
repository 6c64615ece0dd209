using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>The calling thread's capability sets, applied in runc's order: bounding set, ids, then capset.</summary>
public static class ThreadCapabilities
{
    /// <summary>
    /// The highest capability number this kernel knows, from /proc/sys/kernel/cap_last_cap. Only the host's
    /// view may be trusted: an init stage reads it before it builds or joins a container's mount namespace,
    /// where a volume could put any number there (-1 dropped nothing).
    /// </summary>
    public static int ReadLastCapability()
    {
        const string path = "/proc/sys/kernel/cap_last_cap";
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        if (ResolvedPaths.FileSystemOf(file) != ResolvedPaths.ProcFileSystem)
        {
            throw new IOException($"{path} is not on procfs");
        }
        var buffer = new byte[16];
        var text = System.Text.Encoding.ASCII.GetString(buffer, 0, RandomAccess.Read(file, buffer, 0)).Trim();
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var last) && last is > 0 and < 64
            ? last
            : throw new IOException($"{path} says '{text}', not a capability number");
    }

    /// <summary>Drops every capability up to <paramref name="lastCapability"/> that is not in <paramref name="keep"/> from the bounding set.</summary>
    public static void LimitBoundingSet(ulong keep, int lastCapability)
    {
        for (var cap = 0; cap <= lastCapability; cap++)
        {
            if ((keep & (1UL << cap)) == 0 && Libc.Prctl(Libc.PR_CAPBSET_DROP, (nuint)cap, 0, 0, 0) < 0)
            {
                throw Errno.Last("prctl(PR_CAPBSET_DROP)", CapabilityNames.NameOf(cap));
            }
        }
    }

    /// <summary>The calling thread's permitted set: all it can ever hand on.</summary>
    public static unsafe ulong Permitted()
    {
        var header = new Libc.CapabilityHeader { Version = Libc.LINUX_CAPABILITY_VERSION_3 };
        var data = stackalloc Libc.CapabilityData[2];
        Errno.Check(Libc.SyscallPointers(Libc.SysCapget, &header, data), "capget");
        return data[0].Permitted | ((ulong)data[1].Permitted << 32);
    }

    /// <summary>Sets the effective, permitted and inheritable sets and clears the ambient set.</summary>
    public static unsafe void Set(ulong effective, ulong permitted, ulong inheritable)
    {
        var header = new Libc.CapabilityHeader { Version = Libc.LINUX_CAPABILITY_VERSION_3 };
        var data = stackalloc Libc.CapabilityData[2];
        for (var word = 0; word < 2; word++)
        {
            data[word] = new Libc.CapabilityData
            {
                Effective = (uint)(effective >> (32 * word)),
                Permitted = (uint)(permitted >> (32 * word)),
                Inheritable = (uint)(inheritable >> (32 * word)),
            };
        }
        Errno.Check(Libc.SyscallPointers(Libc.SysCapset, &header, data), "capset");
        Errno.Check(Libc.Prctl(Libc.PR_CAP_AMBIENT, Libc.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
    }
}
