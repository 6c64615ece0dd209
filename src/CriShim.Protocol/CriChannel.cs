using System.Net.Sockets;
using Grpc.Net.Client;

namespace CriShim.Protocol;

/// <summary>
/// A gRPC channel to a CRI endpoint on a unix socket, with the 16 MiB message limits the kubelet
/// uses. Shared by crishimctl, the native tests and the benchmarks so all talk to runtimes alike.
/// </summary>
public static class CriChannel
{
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>Accepts <c>unix:///path</c> or an absolute socket path.</summary>
    public static GrpcChannel Create(string endpoint)
    {
        var socketPath = SocketPathOf(endpoint);
        return GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            MaxReceiveMessageSize = MaxMessageBytes,
            MaxSendMessageSize = MaxMessageBytes,
            HttpHandler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancel) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            },
        });
    }

    public static string SocketPathOf(string endpoint) =>
        endpoint.StartsWith("unix://", StringComparison.Ordinal) ? endpoint["unix://".Length..]
        : endpoint.StartsWith('/') ? endpoint
        : throw new ArgumentException($"endpoint '{endpoint}' is not unix:///path/to/socket");
}
