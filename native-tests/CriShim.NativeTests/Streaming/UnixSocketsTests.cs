using System.Text;
using CriShim.Native;
using CriShim.NativeTests.Infrastructure;
using CriShim.Contract.Stdio;

namespace CriShim.NativeTests.Streaming;

/// <summary>The relay sockets themselves: SOCK_SEQPACKET at paths longer than sun_path, and SCM_RIGHTS.</summary>
public sealed class UnixSocketsTests
{
    [RootFact]
    public void Seqpacket_sockets_keep_message_boundaries_at_long_paths_with_mode_0600()
    {
        var directory = Directory.CreateTempSubdirectory("crishim-sock-").FullName;
        try
        {
            var deep = Path.Combine(directory, new string('d', 60), new string('e', 60));
            Directory.CreateDirectory(deep);
            var path = Path.Combine(deep, "attach");
            Assert.True(Encoding.UTF8.GetByteCount(path) > 108);

            using var listener = UnixSockets.ListenSeqPacket(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            using var client = UnixSockets.ConnectSeqPacket(path);
            using var server = UnixSockets.Accept(listener);
            UnixSockets.Send(client, StdioFrame.Data(StdioChannel.Stdin, "one"u8));
            UnixSockets.Send(client, StdioFrame.Resize(80, 24));
            UnixSockets.Shutdown(client);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            var buffer = new byte[StdioFrame.MaxLength];
            Assert.Equal("one", Encoding.ASCII.GetString(StdioFrame.Parse(buffer.AsMemory(0, UnixSockets.Receive(server, buffer))).Payload.Span));
            Assert.Equal(((ushort)80, (ushort)24), StdioFrame.Parse(buffer.AsMemory(0, UnixSockets.Receive(server, buffer))).ReadResize());
            Assert.Equal(0, UnixSockets.Receive(server, buffer));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [RootFact]
    public void Nobody_listening_is_connection_refused_or_not_found()
    {
        var path = Path.Combine(Path.GetTempPath(), $"crishim-none-{Guid.NewGuid():N}");

        Assert.True(Assert.Throws<ErrnoException>(() => UnixSockets.ConnectSeqPacket(path)).IsNotFound);
    }

    [RootFact]
    public void Descriptors_pass_over_a_socket_pair()
    {
        var (ours, theirs) = Descriptors.CreateSocketPair();
        var (read, write) = Descriptors.CreatePipe();
        using (ours)
        using (theirs)
        using (read)
        {
            using (write)
            {
                NetworkNamespaceSockets.Send(theirs, [write]);
            }
            var received = NetworkNamespaceSockets.Receive(ours);

            var passed = Assert.Single(received);
            using (passed)
            {
                Descriptors.WriteAll((int)passed.DangerousGetHandle(), "through"u8);
            }
            var buffer = new byte[16];
            Assert.Equal("through", Encoding.ASCII.GetString(buffer, 0, Descriptors.Read((int)read.DangerousGetHandle(), buffer)));

            NetworkNamespaceSockets.SendFailure(theirs, "no such namespace");
            Assert.Equal("no such namespace", Assert.Throws<IOException>(() => NetworkNamespaceSockets.Receive(ours)).Message);
        }
    }
}
