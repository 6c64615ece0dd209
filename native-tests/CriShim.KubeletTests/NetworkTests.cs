using CriShim.KubeletTests.Infrastructure;

namespace CriShim.KubeletTests;

/// <summary>What a pod's network namespace and its kubelet-managed files give the containers.</summary>
[Collection("kubelet")]
public sealed class NetworkTests(KubeletNode node)
{
    [KubeletFact]
    public async Task Containers_of_a_pod_reach_each_other_over_localhost()
    {
        var pod = await node.WaitRunningAsync("localhost");

        await node.WaitLogAsync("localhost", "client", "hello-over-localhost");
        Assert.True(System.Net.IPNetwork.Parse(KubeletNode.Subnet).Contains(System.Net.IPAddress.Parse(pod.PodIp)), $"pod IP {pod.PodIp}");
    }

    [KubeletFact]
    public async Task A_host_port_forwards_to_the_container()
    {
        await node.WaitRunningAsync("hostport");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var body = "";
        await KubeletNode.WaitUntilAsync(async () =>
        {
            try
            {
                body = await http.GetStringAsync($"http://{KubeletNode.Gateway}:{node.HostPort}/");
                return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), what: $"serving on host port {node.HostPort}");

        Assert.Equal("served-through-hostport\n", body);
    }

    [KubeletFact]
    public async Task The_hostname_is_the_pod_name_or_the_one_the_spec_sets()
    {
        await node.WaitRunningAsync("hostname");
        await node.WaitRunningAsync("hostname-custom");

        await node.WaitLogAsync("hostname", "app", $"hostname: {KubeletNode.PodName("hostname")}\n");
        var custom = await node.WaitLogAsync("hostname-custom", "app", "hostname: custom-host\n");
        Assert.Contains("custom-host", custom.Split('\n', 2)[1]);
    }

    [KubeletFact]
    public async Task Host_aliases_land_in_etc_hosts()
    {
        await node.WaitRunningAsync("hostaliases");

        var log = await node.WaitLogAsync("hostaliases", "app", "resolved:");
        Assert.Contains("10.1.2.3\tfoo.crishim.test\tbar.crishim.test", log);
        Assert.Contains("# Entries added by HostAliases.", log);
    }
}
