using System.Net;
using CriShim.Api.Streaming;
using CriShim.Runtime.Configuration;

namespace CriShim.Api.Composition;

/// <summary>
/// The streaming server: its HTTP/1.1 listener on <c>--stream-address</c>, tokens, the RPC side and the
/// protocol handlers. The runtime's <see cref="Runtime.Streaming.IContainerStreaming"/> comes from the
/// container registrations.
/// </summary>
public static class StreamingComposition
{
    public static WebApplicationBuilder AddCriShimStreaming(this WebApplicationBuilder builder, DaemonConfig config)
    {
        var endpoint = new StreamingEndpoint(IPEndPoint.Parse(config.StreamAddress));
        builder.WebHost.ConfigureKestrel(endpoint.Listen);
        builder.Services.AddSingleton(endpoint);
        builder.Services.AddSingleton(new StreamTokens(TimeProvider.System));
        builder.Services.AddSingleton<StreamingRequests>();
        builder.Services.AddSingleton<SpdyRemoteCommandHandler>();
        builder.Services.AddSingleton<WebSocketRemoteCommandHandler>();
        builder.Services.AddSingleton<SpdyPortForwardHandler>();
        return builder;
    }

    public static WebApplication MapCriShimStreaming(this WebApplication app)
    {
        app.UseWebSockets();
        StreamingRoutes.Map(app);
        var endpoint = app.Services.GetRequiredService<StreamingEndpoint>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StreamingComposition));
        app.Lifetime.ApplicationStarted.Register(() => log.LogInformation("streaming server (exec, attach, port-forward) on http://{Address}", endpoint.Address));
        return app;
    }
}
