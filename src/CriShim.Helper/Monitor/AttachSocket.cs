using CriShim.Contract;
using CriShim.Helper.Stdio;
using CriShim.Native;
using CriShim.Contract.Stdio;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Monitor;

/// <summary>
/// The monitor's attach socket, <c>{container state dir}/attach</c> (SOCK_SEQPACKET, mode 0600, like
/// conmon's): any number of clients get the container's output as it is logged, and their input goes to
/// the container's stdin (when it was created with one). A client that ends its stdin ends its session,
/// except with <c>stdin_once</c> (and no tty), where it closes the container's stdin and keeps the output
/// until the container exits (containerd's semantics). Owned by the monitor, so it
/// outlives daemon restarts; when the container ended, every client gets its exit and end of file.
/// A client that takes no output for <see cref="StallTimeout"/> is dropped: it must not block the log.
/// </summary>
internal sealed class AttachSocket : IDisposable
{
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(10);

    private readonly string _path;
    private readonly SafeFileHandle _listener;
    private readonly List<StdioPeer> _peers = [];
    private readonly Lock _lock = new();
    private ProcessStdio? _stdio;
    private bool _stdinOnce;
    private bool _finished;

    private AttachSocket(string path, SafeFileHandle listener)
    {
        _path = path;
        _listener = listener;
    }

    /// <summary>Listens before the container starts; clients that come early wait in the backlog until <see cref="Serve"/>.</summary>
    public static AttachSocket Listen(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, ContainerStateFiles.AttachSocket);
        return new AttachSocket(path, UnixSockets.ListenSeqPacket(path, UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    /// <summary>Accepts clients on a thread of its own from now on (call it once the monitor may create threads again).</summary>
    public void Serve(ProcessStdio stdio, bool stdinOnce)
    {
        _stdio = stdio;
        _stdinOnce = stdinOnce;
        new Thread(AcceptLoop) { IsBackground = true, Name = "attach" }.Start();
    }

    /// <summary>Passes output to every client; one that cannot keep up is dropped. Without clients it costs a lock and allocates nothing.</summary>
    public void Broadcast(StdioChannel channel, ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            if (_peers.Count == 0)
            {
                return;
            }
            foreach (var peer in _peers)
            {
                peer.SendData(channel, data);
            }
            DropBroken();
        }
    }

    /// <summary>After all output went out: the exit to every client, then end of file; new clients are refused.</summary>
    public void Finish(int exitCode, int signal)
    {
        lock (_lock)
        {
            _finished = true;
            var exit = StdioFrame.Exit(exitCode, signal);
            foreach (var peer in _peers)
            {
                peer.Send(exit);
                peer.Dispose();
            }
            _peers.Clear();
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // The state directory is going away with the container anyway.
        }
        try
        {
            // Wakes the accepting thread (accept fails with EINVAL).
            UnixSockets.Shutdown(_listener);
        }
        catch (ErrnoException)
        {
            // Not listening any more.
        }
        _listener.Dispose();
    }

    private void AcceptLoop()
    {
        while (true)
        {
            SafeFileHandle client;
            try
            {
                client = UnixSockets.Accept(_listener);
            }
            catch (ErrnoException)
            {
                return;
            }
            var peer = new StdioPeer(client, StallTimeout);
            lock (_lock)
            {
                if (_finished)
                {
                    peer.Dispose();
                    return;
                }
                _peers.Add(peer);
            }
            new Thread(() => Relay(peer)) { IsBackground = true, Name = "attach client" }.Start();
        }
    }

    private void Relay(StdioPeer peer)
    {
        peer.ApplyInput(_stdio!, () =>
        {
            // containerd's semantics: with stdin_once (and no tty) the container's stdin closes and the
            // client keeps the output until the container exits; otherwise the client's session ends.
            if (_stdinOnce && !_stdio!.IsTerminal)
            {
                _stdio.CloseStdin();
                return true;
            }
            return false;
        });
        lock (_lock)
        {
            if (_peers.Remove(peer))
            {
                peer.Dispose();
            }
        }
    }

    private void DropBroken()
    {
        foreach (var peer in _peers.Where(p => !p.IsConnected).ToList())
        {
            _peers.Remove(peer);
            peer.Dispose();
        }
    }
}
