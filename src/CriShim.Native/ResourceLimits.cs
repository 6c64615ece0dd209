using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>Process resource limits by their C names (<c>RLIMIT_NOFILE</c>).</summary>
public static class ResourceLimits
{
    private static readonly string[] Names =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
        "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    /// <summary>The resource number of <paramref name="name"/>; null when unknown.</summary>
    public static int? ResourceOf(string name)
    {
        var index = Array.IndexOf(Names, name.ToUpperInvariant());
        return index < 0 ? null : index;
    }

    /// <summary>Sets one limit; raising a hard limit needs CAP_SYS_RESOURCE.</summary>
    public static void Set(string name, ulong soft, ulong hard)
    {
        var resource = ResourceOf(name) ?? throw new ArgumentException($"unknown rlimit {name}");
        var limit = new Libc.ResourceLimit { Current = soft, Maximum = hard };
        Errno.Check(Libc.Setrlimit(resource, limit), "setrlimit", $"{name} {soft}:{hard}");
    }
}
