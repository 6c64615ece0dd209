using CriShim.KubeletTests.Infrastructure;

namespace CriShim.KubeletTests;

// What a pod's network namespace and its kubelet-managed files give the containers.
public sealed partial class KubeletScenarios
{
    [KubeletFact]
    public async Task Containers_of_a_pod_reach_each_other_over_localhost()
    {
        var pod = await Node.WaitRunningAsync("localhost");

        await Node.WaitLogAsync("localhost", "client", "hello-over-localhost");
        Assert.True(System.Net.IPNetwork.Parse(KubeletNode.Subnet).Contains(System.Net.IPAddress.Parse(pod.PodIp)), $"pod IP {pod.PodIp}");
    }

    [KubeletFact]
    public async Task A_host_port_forwards_to_the_container()
    {
        await Node.WaitRunningAsync("hostport");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var body = "";
        await KubeletNode.WaitUntilAsync(async () =>
        {
            try
            {
                body = await http.GetStringAsync($"http://{KubeletNode.Gateway}:{Node.HostPort}/");
                return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), what: $"serving on host port {Node.HostPort}");

        Assert.Equal("served-through-hostport\n", body);
    }

    [KubeletFact]
    public async Task The_hostname_is_the_pod_name_or_the_one_the_spec_sets()
    {
        await Node.WaitRunningAsync("hostname");
        await Node.WaitRunningAsync("hostname-custom");

        await Node.WaitLogAsync("hostname", "app", $"hostname: {KubeletNode.PodName("hostname")}\n");
        var custom = await Node.WaitLogAsync("hostname-custom", "app", "hostname: custom-host\n");
        Assert.Contains("custom-host", custom.Split('\n', 2)[1]);
    }

    [KubeletFact]
    public async Task Host_aliases_land_in_etc_hosts()
    {
        await Node.WaitRunningAsync("hostaliases");

        var log = await Node.WaitLogAsync("hostaliases", "app", "resolved:");
        Assert.Contains("10.1.2.3\tfoo.crishim.test\tbar.crishim.test", log);
        Assert.Contains("# Entries added by HostAliases.", log);
    }
}
