using System.Net;
using System.Net.Sockets;
using CriShim.NativeTests.Infrastructure;
using CriShim.NativeTests.Sandbox;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Metrics;

/// <summary>The daemon's own metrics on <c>--metrics-address</c>, scraped as Prometheus does.</summary>
public sealed class PrometheusEndpointTests
{
    [RootFact]
    public async Task Metrics_endpoint_serves_rpc_latency_histograms_error_counts_and_pod_counts()
    {
        var port = FreePort();
        await using var scene = await PodScene.StartAsync("--metrics-address", $"127.0.0.1:{port}");
        await scene.RunAsync(scene.Config("metrics"));
        for (var i = 0; i < 3; i++)
        {
            await scene.Daemon.Runtime.VersionAsync(new VersionRequest());
        }
        var missing = await Assert.ThrowsAsync<RpcException>(async () =>
            await scene.Daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = "no-such-container" }));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);

        using var http = new HttpClient();
        var response = await http.GetAsync($"http://127.0.0.1:{port}/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE crishim_cri_request_duration_seconds histogram", text);
        Assert.Contains("crishim_cri_request_duration_seconds_count{method=\"/runtime.v1.RuntimeService/Version\"} 3", text);
        Assert.Contains("crishim_cri_request_duration_seconds_bucket{method=\"/runtime.v1.RuntimeService/RunPodSandbox\",le=\"+Inf\"} 1", text);
        Assert.Contains("crishim_cri_request_errors_total{method=\"/runtime.v1.RuntimeService/ContainerStatus\",code=\"NotFound\"} 1", text);
        Assert.Contains("crishim_pod_sandboxes{state=\"ready\"} 1", text);
        Assert.Contains("crishim_containers{state=\"running\"} 0", text);
        Assert.Matches(@"crishim_images \d+", text);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{port}/runtime.v1.RuntimeService/Version")).StatusCode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
