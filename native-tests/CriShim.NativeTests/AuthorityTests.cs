using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Google.Protobuf;

namespace CriShim.NativeTests;

/// <summary>
/// Old grpc-go clients (crictl 1.26, kubelets of that era) send the socket path as <c>:authority</c>,
/// which Kestrel alone resets with PROTOCOL_ERROR; newer ones send <c>localhost</c>. Both must be served.
/// </summary>
public sealed class AuthorityTests
{
    private const string VersionPath = "/runtime.v1.RuntimeService/Version";

    [RootFact]
    public async Task A_socket_path_authority_is_served()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        using var client = new RawHttp2Client(daemon.Socket);

        var reply = await client.CallAsync(daemon.Socket, VersionPath, new VersionRequest { Version = "v1" }.ToByteArray(), TimeSpan.FromSeconds(10));

        AssertVersionReply(reply);
    }

    [RootFact]
    public async Task A_localhost_authority_is_served()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        using var client = new RawHttp2Client(daemon.Socket);

        var reply = await client.CallAsync("localhost", VersionPath, new VersionRequest().ToByteArray(), TimeSpan.FromSeconds(10));

        AssertVersionReply(reply);
    }

    [RootFact]
    public async Task Later_requests_that_reference_the_clients_header_table_are_served()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        using var client = new RawHttp2Client(daemon.Socket);

        for (var i = 0; i < 3; i++)
        {
            var reply = await client.CallAsync(daemon.Socket, VersionPath, new VersionRequest().ToByteArray(), TimeSpan.FromSeconds(10));
            AssertVersionReply(reply);
        }
    }

    private static void AssertVersionReply(RawHttp2Client.GrpcReply reply)
    {
        Assert.Equal("200", reply.Header(":status"));
        Assert.Equal("0", reply.Header("grpc-status"));
        Assert.Equal("crishim", VersionResponse.Parser.ParseFrom(reply.Message).RuntimeName);
    }
}
