namespace CriShim.Native;

/// <summary>Linux namespace types, with the <c>CLONE_NEW*</c> values that <c>unshare</c> and <c>setns</c> take.</summary>
[Flags]
public enum NamespaceKinds
{
    None = 0,
    Mount = 0x00020000,
    Cgroup = 0x02000000,
    Uts = 0x04000000,
    Ipc = 0x08000000,
    User = 0x10000000,
    Pid = 0x20000000,
    Network = 0x40000000,
}

public static class NamespaceKindNames
{
    /// <summary>The file name under <c>/proc/&lt;pid&gt;/ns/</c> for one kind.</summary>
    public static string ProcFileName(this NamespaceKinds kind) => kind switch
    {
        NamespaceKinds.Mount => "mnt",
        NamespaceKinds.Cgroup => "cgroup",
        NamespaceKinds.Uts => "uts",
        NamespaceKinds.Ipc => "ipc",
        NamespaceKinds.User => "user",
        NamespaceKinds.Pid => "pid",
        NamespaceKinds.Network => "net",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "one namespace kind expected"),
    };
}
