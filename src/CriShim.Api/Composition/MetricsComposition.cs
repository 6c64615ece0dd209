using System.Net;
using CriShim.Api.Metrics;
using CriShim.Runtime.Configuration;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Prometheus;

namespace CriShim.Api.Composition;

/// <summary>The optional Prometheus endpoint (<c>--metrics-address</c>): a plain HTTP/1.1 listener of its own serving only <c>/metrics</c>.</summary>
public static class MetricsComposition
{
    /// <summary>Without a metrics address, nothing: no listener, no interceptor.</summary>
    public static WebApplicationBuilder AddCriShimMetrics(this WebApplicationBuilder builder, DaemonConfig config)
    {
        if (config.MetricsAddress is not { } address)
        {
            return builder;
        }
        builder.Services.AddSingleton<RuntimeMetrics>();
        // Outermost, before the ErrorInterceptor that AddGrpc registered, so the codes counted are the ones sent.
        builder.Services.Configure<GrpcServiceOptions>(o =>
        {
            var others = o.Interceptors.ToList();
            o.Interceptors.Clear();
            o.Interceptors.Add<RpcMetricsInterceptor>();
            foreach (var interceptor in others)
            {
                o.Interceptors.Add(interceptor);
            }
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPEndPoint.Parse(address), listen => listen.Protocols = HttpProtocols.Http1));
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> on the metrics port only: the CRI socket does not serve it.</summary>
    public static WebApplication MapCriShimMetrics(this WebApplication app, DaemonConfig config)
    {
        if (config.MetricsAddress is { } address)
        {
            var metrics = app.Services.GetRequiredService<RuntimeMetrics>();
            app.MapMetrics("/metrics", metrics.Registry).RequireHost($"*:{IPEndPoint.Parse(address).Port}");
            app.Logger.LogInformation("serving Prometheus metrics on http://{Address}/metrics", address);
        }
        return app;
    }
}
