using CriShim.Native;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Sandbox;

/// <summary>Which namespaces a pod gets of its own, from the CRI namespace options.</summary>
public static class PodNamespaces
{
    public static NamespaceKinds For(NamespaceOption? options)
    {
        options ??= new NamespaceOption();
        var kinds = options.Network switch
        {
            // A pod on its own network also gets its own host name; host-network pods keep the node's.
            NamespaceMode.Pod => NamespaceKinds.Network | NamespaceKinds.Uts,
            NamespaceMode.Node => NamespaceKinds.None,
            var m => throw new InvalidArgumentException($"network namespace mode {m} is not valid for a pod: use POD or NODE"),
        };
        kinds |= options.Ipc switch
        {
            NamespaceMode.Pod => NamespaceKinds.Ipc,
            NamespaceMode.Node => NamespaceKinds.None,
            var m => throw new InvalidArgumentException($"IPC namespace mode {m} is not valid for a pod: use POD or NODE"),
        };
        kinds |= options.Pid switch
        {
            NamespaceMode.Pod => NamespaceKinds.Pid,
            // CONTAINER: each container gets its own PID namespace when it is created; pause stays in the host's.
            NamespaceMode.Container or NamespaceMode.Node => NamespaceKinds.None,
            var m => throw new InvalidArgumentException($"PID namespace mode {m} is not valid for a pod: use POD, CONTAINER or NODE"),
        };
        return kinds;
    }
}
