namespace CriShim.Native;

/// <summary>Linux capability names (<c>CAP_CHOWN</c>) and their bit numbers, as in linux/capability.h.</summary>
public static class CapabilityNames
{
    private static readonly string[] Names =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>Every name this table knows, in bit order.</summary>
    public static IReadOnlyList<string> All => Names;

    public static string NameOf(int bit) => bit < Names.Length ? Names[bit] : $"CAP_{bit}";

    /// <summary>The bit of <paramref name="name"/> (with or without the <c>CAP_</c> prefix, any case); null when unknown.</summary>
    public static int? BitOf(string name)
    {
        var full = name.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase) ? name : "CAP_" + name;
        var index = Array.FindIndex(Names, n => n.Equals(full, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? null : index;
    }

    /// <summary>The mask of <paramref name="names"/>; throws <see cref="ArgumentException"/> naming an unknown one.</summary>
    public static ulong MaskOf(IEnumerable<string> names)
    {
        var mask = 0UL;
        foreach (var name in names)
        {
            var bit = BitOf(name) ?? throw new ArgumentException($"unknown capability {name}");
            mask |= 1UL << bit;
        }
        return mask;
    }
}
