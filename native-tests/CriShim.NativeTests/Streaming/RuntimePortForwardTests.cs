using System.Text;
using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;

namespace CriShim.NativeTests.Streaming;

/// <summary>
/// Port-forward connections through the runtime's <c>ContainerStreaming</c>: into a pod's network namespace
/// via <c>crishim-runtime netns-socket</c>, and on the host for host-network pods, to a busybox httpd.
/// </summary>
[Collection("containers")]
public sealed class RuntimePortForwardTests(ContainerImagesFixture images)
{
    private const string NetworkName = "crishimsr";
    private const string Bridge = "crishimsr0";
    private const string Subnet = "10.99.82.0/24";

    [RootFact]
    public async Task Connections_reach_httpd_on_the_pods_own_loopback_and_refusals_are_reported()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        await using var net = await TestCniNetwork.CreateAsync(scene.Daemon.CniConfDir, scene.Daemon.WorkDir, NetworkName, Bridge, Subnet);
        var (podId, podConfig) = await scene.PodAsync("sr-pf-pod", network: NamespaceMode.Pod);
        // Bound to the pod's loopback only: nothing outside the pod's namespace can reach it but us.
        await scene.RunAsync(podId, podConfig, scene.Config("httpd", "sh", "-c", HttpdScript("127.0.0.1:8080", "hello from the pod")));
        var streaming = RuntimeStreamingView.Of(scene.Daemon);

        Assert.Equal(podId, streaming.CheckPortForward(new PortForwardRequest { PodSandboxId = podId[..12], Port = { 8080 } }));
        var first = await GetWhenServingAsync(streaming, podId, 8080);
        Assert.Contains("hello from the pod", first);
        // Two connections at once, each answered in full.
        await using var a = await streaming.ConnectAsync(podId, 8080, CancellationToken.None);
        await using var b = await streaming.ConnectAsync(podId, 8080, CancellationToken.None);
        var both = await Task.WhenAll(GetAsync(a), GetAsync(b));
        Assert.All(both, page => Assert.Contains("hello from the pod", page));

        var refused = await Assert.ThrowsAsync<UnavailableException>(() => streaming.ConnectAsync(podId, 8081, CancellationToken.None));
        Assert.Contains("localhost:8081", refused.Message);
        Assert.Contains("refused", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [RootFact]
    public async Task Host_network_pods_are_reached_on_the_hosts_loopback()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (podId, podConfig) = await scene.PodAsync("sr-pf-host");
        var port = Random.Shared.Next(20000, 30000);
        await scene.RunAsync(podId, podConfig, scene.Config("httpd", "sh", "-c", HttpdScript($"127.0.0.1:{port}", "hello from the host network")));
        var streaming = RuntimeStreamingView.Of(scene.Daemon);

        Assert.Contains("hello from the host network", await GetWhenServingAsync(streaming, podId, port));
    }

    [RootFact]
    public async Task Checks_answer_not_found_and_failed_precondition_for_a_stopped_pod()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (podId, _) = await scene.PodAsync("sr-pf-checks");
        await scene.Pods.StopAsync(podId);
        var streaming = RuntimeStreamingView.Of(scene.Daemon);

        Assert.Throws<NotFoundException>(() => streaming.CheckPortForward(new PortForwardRequest { PodSandboxId = "f00d" }));
        Assert.Contains("not ready", Assert.Throws<FailedPreconditionException>(() => streaming.CheckPortForward(new PortForwardRequest { PodSandboxId = podId })).Message);
        Assert.Throws<InvalidArgumentException>(() => RuntimeStreamingView.Of(scene.Daemon).CheckPortForward(new PortForwardRequest { PodSandboxId = podId, Port = { 70000 } }));
    }

    private static string HttpdScript(string address, string page) =>
        $"mkdir -p /www && echo '{page}' > /www/index.html && exec httpd -f -p {address} -h /www";

    /// <summary>httpd needs a moment to listen: retry refused connections for a while.</summary>
    private static async Task<string> GetWhenServingAsync(Runtime.Streaming.IContainerStreaming streaming, string podId, int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                await using var connection = await streaming.ConnectAsync(podId, port, CancellationToken.None);
                return await GetAsync(connection);
            }
            catch (UnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task<string> GetAsync(Stream connection)
    {
        await connection.WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
        using var response = new MemoryStream();
        await connection.CopyToAsync(response).WaitAsync(TimeSpan.FromSeconds(10));
        return Encoding.UTF8.GetString(response.ToArray());
    }
}
