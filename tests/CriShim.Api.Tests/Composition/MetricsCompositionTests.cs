using CriShim.Api.Composition;
using CriShim.Api.Metrics;
using CriShim.Api.Services;
using CriShim.Runtime.Configuration;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CriShim.Api.Tests.Composition;

public sealed class MetricsCompositionTests
{
    private static WebApplicationBuilder Builder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddGrpc(o => o.Interceptors.Add<ErrorInterceptor>());
        return builder;
    }

    [Fact]
    public void Without_a_metrics_address_nothing_is_added()
    {
        var builder = Builder().AddCriShimMetrics(new DaemonConfig());
        using var app = builder.Build();

        Assert.Null(app.Services.GetService<RuntimeMetrics>());
        Assert.Equal([typeof(ErrorInterceptor)], app.Services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value.Interceptors.Select(i => i.Type));
    }

    [Fact]
    public void With_a_metrics_address_rpc_timing_runs_outside_the_error_mapping()
    {
        var builder = Builder().AddCriShimMetrics(new DaemonConfig { MetricsAddress = "127.0.0.1:9090" });
        using var app = builder.Build();

        Assert.Equal([typeof(RpcMetricsInterceptor), typeof(ErrorInterceptor)],
            app.Services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value.Interceptors.Select(i => i.Type));
    }
}
