using CriShim.Native;

namespace CriShim.Runtime.Sandbox;

/// <summary>
/// Bind mounts of <c>/proc/&lt;pause&gt;/ns/&lt;kind&gt;</c> in a directory, so the namespaces outlive pause and
/// teardown (CNI DEL) works after it died. The network pin is the netns path CNI gets.
/// </summary>
public sealed class NamespacePins(string directory)
{
    private static readonly NamespaceKinds[] Pinnable = [NamespaceKinds.Network, NamespaceKinds.Ipc, NamespaceKinds.Uts, NamespaceKinds.Pid, NamespaceKinds.User];

    public string PathOf(NamespaceKinds kind) => Path.Combine(directory, kind.ProcFileName());

    public void Pin(int pid, NamespaceKinds kinds)
    {
        Directory.CreateDirectory(directory);
        foreach (var kind in Pinnable.Where(k => kinds.HasFlag(k)))
        {
            Mounts.BindFile($"/proc/{pid}/ns/{kind.ProcFileName()}", PathOf(kind));
        }
    }

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
}
