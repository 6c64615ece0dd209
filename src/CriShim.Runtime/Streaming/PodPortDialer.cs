using System.Net;
using System.Net.Sockets;
using CriShim.Native;
using CriShim.Runtime.Sandbox;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Runtime.Streaming;

/// <summary>
/// Connects to <c>localhost:&lt;port&gt;</c> in a pod's network namespace without the daemon ever joining
/// it: <c>crishim-runtime netns-socket</c> creates the sockets inside the pinned namespace and hands them
/// over (SCM_RIGHTS); a socket keeps the namespace it was made in, so connecting it here reaches the pod's
/// loopback. Like containerd, IPv4 (127.0.0.1) first, then IPv6 (::1) if that fails.
/// </summary>
public sealed class PodPortDialer(RuntimeHelperBinary binary)
{
    private static readonly TimeSpan HelperExitTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <paramref name="networkNamespace"/>: the pinned netns of the pod, or null for the host's (host-network pods).
    /// A port nobody listens on throws <see cref="Errors.UnavailableException"/> with both attempts' reasons.
    /// </summary>
    public async Task<Stream> ConnectAsync(string? networkNamespace, int port, CancellationToken cancel)
    {
        RequireTcpPort(port);
        var sockets = networkNamespace is null
            ? HostSockets()
            : await Task.Factory.StartNew(() => SocketsIn(networkNamespace), cancel, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var failures = new List<string>();
        Socket? connected = null;
        try
        {
            foreach (var socket in sockets)
            {
                var target = socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback;
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(target, port), cancel);
                    connected = socket;
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException e)
                {
                    failures.Add($"{target}: {e.Message}");
                }
            }
        }
        finally
        {
            foreach (var socket in sockets.Where(s => s != connected))
            {
                socket.Dispose();
            }
        }
        var where = networkNamespace is null ? "the host network" : $"the pod's network namespace {networkNamespace}";
        throw new Errors.UnavailableException($"cannot connect to localhost:{port} in {where}: {string.Join("; ", failures)}");
    }

    public static void RequireTcpPort(int port)
    {
        if (port is <= 0 or > 65535)
        {
            throw new Errors.InvalidArgumentException($"port {port} is not a TCP port");
        }
    }

    private static List<Socket> HostSockets()
    {
        List<Socket> sockets = [new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)];
        if (Socket.OSSupportsIPv6)
        {
            sockets.Add(new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp));
        }
        return sockets;
    }

    /// <summary>Blocking (a short-lived helper): run off the thread pool's hot path.</summary>
    private List<Socket> SocketsIn(string networkNamespace)
    {
        var (ours, theirs) = Descriptors.CreateSocketPair();
        using (ours)
        {
            CapturedChild helper;
            using (theirs)
            {
                helper = RuntimeHelperProcess.Start(binary, "netns-socket", [networkNamespace],
                    new Dictionary<int, SafeFileHandle> { [NetworkNamespaceSockets.ChildDescriptor] = theirs });
            }
            using (helper)
            {
                IReadOnlyList<SafeFileHandle> received;
                try
                {
                    received = NetworkNamespaceSockets.Receive(ours);
                }
                catch (IOException e) when (Ended(helper) is { Stderr.Length: > 0 } output)
                {
                    throw new IOException($"{e.Message}: {output.Stderr.Trim()}", e);
                }
                // It exits right after the handover; disposing kills one that hangs.
                Ended(helper);
                return received.Select(AsSocket).ToList();
            }
        }
    }

    private static CapturedOutput? Ended(CapturedChild helper) =>
        helper.Completion.Wait(HelperExitTimeout) ? helper.Completion.Result : null;

    private static Socket AsSocket(SafeFileHandle handle)
    {
        var fd = handle.DangerousGetHandle();
        handle.SetHandleAsInvalid();
        return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }
}
