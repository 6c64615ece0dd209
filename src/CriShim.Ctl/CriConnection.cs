using CriShim.Protocol;
using CriShim.Protocol.V1;
using Grpc.Net.Client;

namespace CriShim.Ctl;

/// <summary>The channel to the runtime and its two CRI clients.</summary>
internal sealed class CriConnection : IDisposable
{
    public const string DefaultEndpoint = "unix:///run/crishim/crishim.sock";
    private readonly GrpcChannel _channel;

    public CriConnection(string endpoint)
    {
        _channel = CriChannel.Create(endpoint);
        Runtime = new RuntimeService.RuntimeServiceClient(_channel);
        Images = new ImageService.ImageServiceClient(_channel);
    }

    public RuntimeService.RuntimeServiceClient Runtime { get; }
    public ImageService.ImageServiceClient Images { get; }

    public void Dispose() => _channel.Dispose();
}
