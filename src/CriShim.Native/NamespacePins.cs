namespace CriShim.Native;

/// <summary>
/// Bind mounts of a pod's namespace files in a directory, so the namespaces outlive whatever process made them:
/// pause's <c>/proc/&lt;pid&gt;/ns/&lt;kind&gt;</c> (the daemon pins them), or, for a pod without pause, sandbox-init's
/// own thread's (it pins them before it exits). The network pin is the netns path CNI gets.
/// </summary>
public sealed class NamespacePins(string directory)
{
    private static readonly NamespaceKinds[] Pinnable = [NamespaceKinds.Network, NamespaceKinds.Ipc, NamespaceKinds.Uts, NamespaceKinds.Pid, NamespaceKinds.User];

    /// <summary>NSFS_MAGIC: what a pin is on while its bind mount stands.</summary>
    private const long NamespaceFileSystem = 0x6e736673;

    public string PathOf(NamespaceKinds kind) => Path.Combine(directory, kind.ProcFileName());

    /// <summary>Pins the namespaces of process <paramref name="pid"/>.</summary>
    public void Pin(int pid, NamespaceKinds kinds) => PinFrom($"/proc/{pid}/ns", kinds);

    /// <summary>
    /// Pins the calling thread's namespaces (which unshare gave to this thread only); the bind mounts resolve
    /// <c>/proc/thread-self</c> on this thread, so it must be the one that unshared them.
    /// </summary>
    public void PinCurrentThread(NamespaceKinds kinds) => PinFrom("/proc/thread-self/ns", kinds);

    /// <summary>True while every pin of <paramref name="kinds"/> is a mounted namespace file.</summary>
    public bool Hold(NamespaceKinds kinds) => Pinnable.Where(k => kinds.HasFlag(k)).All(k => IsMounted(PathOf(k)));

    /// <summary>Unmounts and deletes every pin; fine when some or all are gone already.</summary>
    public void Remove()
    {
        if (!Directory.Exists(directory))
        {
            return;
        }
        foreach (var pin in Directory.EnumerateFiles(directory))
        {
            Mounts.Unmount(pin);
            File.Delete(pin);
        }
        Directory.Delete(directory);
    }

    private void PinFrom(string namespaceFiles, NamespaceKinds kinds)
    {
        Directory.CreateDirectory(directory);
        foreach (var kind in Pinnable.Where(k => kinds.HasFlag(k)))
        {
            Mounts.BindFile($"{namespaceFiles}/{kind.ProcFileName()}", PathOf(kind));
        }
    }

    private static bool IsMounted(string pin)
    {
        try
        {
            using var file = ResolvedPaths.OpenHost(pin);
            return ResolvedPaths.FileSystemOf(file) == NamespaceFileSystem;
        }
        catch (ErrnoException)
        {
            return false;
        }
    }
}
