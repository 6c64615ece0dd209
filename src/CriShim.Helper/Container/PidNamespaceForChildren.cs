using CriShim.Native;

namespace CriShim.Helper.Container;

/// <summary>
/// After unshare or setns of a PID namespace the calling thread cannot create threads (the kernel
/// refuses CLONE_THREAD while its children's PID namespace differs from its own), and the .NET runtime
/// starts threads at will. Once the child is spawned, point the children's namespace back at the
/// thread's own one (<c>/proc/self/ns/pid</c> never changed).
/// </summary>
internal static class PidNamespaceForChildren
{
    public static void Restore() => Namespaces.JoinCurrentThread("/proc/self/ns/pid", NamespaceKinds.Pid);
}
