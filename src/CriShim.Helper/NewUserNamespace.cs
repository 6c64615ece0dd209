using CriShim.Native;
using CriShim.Contract;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper;

/// <summary>
/// Runs a mode of this helper as root of a new user namespace with the given mappings: the helper has threads and
/// may not unshare one itself, so it spawns <see cref="UserNamespaceEntry"/>, which unshares it and waits on a socket
/// while this process, still in the parent namespace with its capabilities, writes the maps; then it execs the
/// helper inside. Returns once the child ended; it inherits stdio and answers on stdout itself.
/// </summary>
internal static class NewUserNamespace
{
    /// <summary>Where the child finds the request it continues with.</summary>
    public const int RequestDescriptor = 6;

    /// <summary>The entry program, executed through /proc/self/fd in the child (after the file actions numbered it).</summary>
    private const int EntryDescriptor = 7;

    public static void Run(UserNamespaceMappings mappings, string mode, SafeFileHandle request)
    {
        var self = Environment.ProcessPath!;
        using var entry = UserNamespaceEntry.CreateNew();
        using var image = File.OpenHandle(self, FileMode.Open, FileAccess.Read);
        var (parentSocket, childSocket) = Descriptors.CreateSocketPair();
        using var socket = parentSocket;
        ChildProcess child;
        using (childSocket)
        {
            child = new ProcessSpawner
            {
                Path = "/proc/self/fd/" + EntryDescriptor.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Args = [self, mode],
                Descriptors = new Dictionary<int, SafeFileHandle>
                {
                    [0] = new SafeFileHandle(0, ownsHandle: false),
                    [1] = new SafeFileHandle(1, ownsHandle: false),
                    [2] = new SafeFileHandle(2, ownsHandle: false),
                    [UserNamespaceEntry.ImageDescriptor] = image,
                    [UserNamespaceEntry.NamespaceDescriptor] = childSocket,
                    [RequestDescriptor] = request,
                    [EntryDescriptor] = entry,
                },
            }.Start();
        }
        using var owned = child;
        Span<byte> signal = stackalloc byte[1];
        if (Descriptors.Read(socket, signal) != 1)
        {
            // The entry program exits with the errno of the call that failed.
            throw new IOException($"unsharing a user namespace failed: errno {child.WaitForExit().ExitCode}");
        }
        try
        {
            UserNamespaceMaps.Write(child.Pid, mappings);
            Descriptors.WriteAll(socket, signal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without the go-ahead the child reads end of file and exits.
            socket.Dispose();
            child.WaitForExit();
            throw new IOException($"writing the maps of the pod's user namespace ({UserNamespaceMappings.ProcText(mappings.Uids).Trim()}) failed: {e.Message}", e);
        }
        child.WaitForExit();
    }
}
