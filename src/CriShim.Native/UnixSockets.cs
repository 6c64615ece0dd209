using System.Globalization;
using System.Text;
using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>
/// Unix sockets as the stdio relays and descriptor hand-overs use them: SOCK_SEQPACKET listeners and
/// connections at a path (one datagram per message, end of file when the peer goes), and SCM_RIGHTS.
/// All descriptors are close-on-exec. Paths longer than sun_path allows (state directories under /tmp
/// with 64-character ids) are reached through <c>/proc/self/fd/&lt;directory&gt;/&lt;name&gt;</c>, as conmon does.
/// </summary>
public static class UnixSockets
{
    /// <summary>Listens at <paramref name="path"/> (replacing a stale socket there) with the given file mode.</summary>
    public static SafeFileHandle ListenSeqPacket(string path, UnixFileMode mode, int backlog = 16)
    {
        var socket = SeqPacket();
        try
        {
            File.Delete(path);
            AtAddress(socket, path, bind: true);
            // Nobody can connect before listen(): the mode is right before the first client.
            File.SetUnixFileMode(path, mode);
            Errno.Check(Libc.Listen(socket, backlog), "listen", path);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects to a SOCK_SEQPACKET listener; ENOENT or ECONNREFUSED when nobody listens there.</summary>
    public static SafeFileHandle ConnectSeqPacket(string path)
    {
        var socket = SeqPacket();
        try
        {
            AtAddress(socket, path, bind: false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Waits for the next client (up to the socket's receive timeout, if one is set: EAGAIN then).</summary>
    public static SafeFileHandle Accept(SafeFileHandle listener)
    {
        while (true)
        {
            var client = Libc.Accept4(listener, 0, 0, Libc.SOCK_CLOEXEC);
            if (!client.IsInvalid)
            {
                return client;
            }
            var error = Errno.Last("accept4");
            client.Dispose();
            if (error.Errno != Tmds.Linux.LibC.EINTR)
            {
                throw error;
            }
        }
    }

    /// <summary>Sends one message (one datagram on SOCK_SEQPACKET); never raises SIGPIPE.</summary>
    public static unsafe void Send(SafeFileHandle socket, ReadOnlySpan<byte> message)
    {
        fixed (byte* p = message)
        {
            while (Libc.Send(socket, p, (nuint)message.Length, Libc.MSG_NOSIGNAL) < 0)
            {
                var error = Errno.Last("send");
                if (error.Errno != Tmds.Linux.LibC.EINTR)
                {
                    throw error;
                }
            }
        }
    }

    /// <summary>Receives one message into <paramref name="buffer"/>; 0 when the peer is gone (or shut down its side).</summary>
    public static unsafe int Receive(SafeFileHandle socket, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = Libc.Recv(socket, p, (nuint)buffer.Length, 0);
                if (n >= 0)
                {
                    return (int)n;
                }
                var error = Errno.Last("recv");
                if (error.Errno != Tmds.Linux.LibC.EINTR)
                {
                    throw error;
                }
            }
        }
    }

    /// <summary>Bounds blocking sends (EAGAIN after it), so one stalled peer cannot hold up the sender forever.</summary>
    public static void SetSendTimeout(SafeFileHandle socket, TimeSpan timeout) => SetTimeout(socket, Libc.SO_SNDTIMEO, timeout);

    /// <summary>Bounds blocking receives and accepts (EAGAIN after it).</summary>
    public static void SetReceiveTimeout(SafeFileHandle socket, TimeSpan timeout) => SetTimeout(socket, Libc.SO_RCVTIMEO, timeout);

    /// <summary>Ends the connection both ways: the peer reads what was sent, then end of file; a receive blocked here returns 0.</summary>
    public static void Shutdown(SafeFileHandle socket) => Errno.Check(Libc.Shutdown(socket, Libc.SHUT_RDWR), "shutdown");

    /// <summary>Sends <paramref name="data"/> (at least one byte) with <paramref name="descriptors"/> attached (SCM_RIGHTS).</summary>
    public static unsafe void SendDescriptors(SafeFileHandle socket, ReadOnlySpan<byte> data, IReadOnlyList<SafeFileHandle> descriptors)
    {
        var dataLength = descriptors.Count * sizeof(int);
        var control = stackalloc byte[ControlSpace(dataLength)];
        var header = (Libc.ControlMessageHeader*)control;
        header->Length = (nuint)(sizeof(Libc.ControlMessageHeader) + dataLength);
        header->Level = Libc.SOL_SOCKET;
        header->Type = Libc.SCM_RIGHTS;
        var fds = (int*)(control + sizeof(Libc.ControlMessageHeader));
        for (var i = 0; i < descriptors.Count; i++)
        {
            fds[i] = (int)descriptors[i].DangerousGetHandle();
        }
        fixed (byte* p = data)
        {
            var vector = new Libc.IoVector { Base = p, Length = (nuint)data.Length };
            var message = new Libc.MessageHeader
            {
                Vector = &vector, VectorLength = 1,
                Control = descriptors.Count > 0 ? control : null, ControlLength = descriptors.Count > 0 ? (nuint)ControlSpace(dataLength) : 0,
            };
            Errno.Check((long)Libc.Sendmsg(socket, &message, Libc.MSG_NOSIGNAL), "sendmsg");
        }
    }

    /// <summary>
    /// Receives one message and the descriptors attached to it (close-on-exec, at most <paramref name="maxDescriptors"/>);
    /// 0 bytes and no descriptors when the peer is gone.
    /// </summary>
    public static unsafe (int Length, IReadOnlyList<SafeFileHandle> Descriptors) ReceiveDescriptors(SafeFileHandle socket, Span<byte> buffer, int maxDescriptors)
    {
        var space = ControlSpace(maxDescriptors * sizeof(int));
        var control = stackalloc byte[space];
        new Span<byte>(control, space).Clear();
        fixed (byte* p = buffer)
        {
            var vector = new Libc.IoVector { Base = p, Length = (nuint)buffer.Length };
            var message = new Libc.MessageHeader { Vector = &vector, VectorLength = 1, Control = control, ControlLength = (nuint)space };
            nint n;
            while ((n = Libc.Recvmsg(socket, &message, Libc.MSG_CMSG_CLOEXEC)) < 0)
            {
                var error = Errno.Last("recvmsg");
                if (error.Errno != Tmds.Linux.LibC.EINTR)
                {
                    throw error;
                }
            }
            var received = new List<SafeFileHandle>();
            var header = (Libc.ControlMessageHeader*)control;
            if (message.ControlLength >= (nuint)sizeof(Libc.ControlMessageHeader) && header->Level == Libc.SOL_SOCKET && header->Type == Libc.SCM_RIGHTS)
            {
                var count = ((int)header->Length - sizeof(Libc.ControlMessageHeader)) / sizeof(int);
                var fds = (int*)(control + sizeof(Libc.ControlMessageHeader));
                for (var i = 0; i < count; i++)
                {
                    received.Add(new SafeFileHandle(fds[i], ownsHandle: true));
                }
            }
            return ((int)n, received);
        }
    }

    /// <summary>CMSG_SPACE: the header plus the data rounded up to 8 bytes.</summary>
    private static unsafe int ControlSpace(int dataLength) => sizeof(Libc.ControlMessageHeader) + ((dataLength + 7) & ~7);

    private static SafeFileHandle SeqPacket()
    {
        var socket = Libc.Socket(Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_CLOEXEC, 0);
        if (socket.IsInvalid)
        {
            var error = Errno.Last("socket(AF_UNIX, SOCK_SEQPACKET)");
            socket.Dispose();
            throw error;
        }
        return socket;
    }

    private static unsafe void SetTimeout(SafeFileHandle socket, int option, TimeSpan timeout)
    {
        var value = new Libc.TimeValue { Seconds = (long)timeout.TotalSeconds, Microseconds = timeout.Milliseconds * 1000L };
        Errno.Check(Libc.Setsockopt(socket, Libc.SOL_SOCKET, option, &value, (uint)sizeof(Libc.TimeValue)), "setsockopt");
    }

    /// <summary>Binds or connects <paramref name="socket"/> to <paramref name="path"/>, shortened through /proc/self/fd when too long.</summary>
    private static void AtAddress(SafeFileHandle socket, string path, bool bind)
    {
        if (Encoding.UTF8.GetByteCount(path) < Libc.UnixAddress.PathCapacity)
        {
            Errno.Check(BindOrConnect(socket, path, bind), bind ? "bind" : "connect", path);
            return;
        }
        var directory = System.IO.Path.GetDirectoryName(path) ?? throw new ArgumentException($"socket path {path} has no directory", nameof(path));
        using var handle = Libc.Open(directory, Tmds.Linux.LibC.O_PATH | Tmds.Linux.LibC.O_DIRECTORY | Tmds.Linux.LibC.O_CLOEXEC, 0);
        if (handle.IsInvalid)
        {
            throw Errno.Last("open", directory);
        }
        var shortPath = $"/proc/self/fd/{handle.DangerousGetHandle().ToString(CultureInfo.InvariantCulture)}/{System.IO.Path.GetFileName(path)}";
        if (Encoding.UTF8.GetByteCount(shortPath) >= Libc.UnixAddress.PathCapacity)
        {
            throw new ArgumentException($"socket name {System.IO.Path.GetFileName(path)} is too long", nameof(path));
        }
        Errno.Check(BindOrConnect(socket, shortPath, bind), bind ? "bind" : "connect", path);
    }

    private static unsafe int BindOrConnect(SafeFileHandle socket, string path, bool bind)
    {
        var address = default(Libc.UnixAddress);
        address.Family = Libc.AF_UNIX;
        var written = Encoding.UTF8.GetBytes(path, new Span<byte>(address.Path, Libc.UnixAddress.PathCapacity - 1));
        var length = (uint)(sizeof(ushort) + written + 1);
        return bind ? Libc.Bind(socket, &address, length) : Libc.Connect(socket, &address, length);
    }
}
