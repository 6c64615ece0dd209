using System.Net;
using System.Text.Json.Nodes;
using CriShim.Native;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Sandbox;

/// <summary>Pods on their own network namespace, attached by the daemon through Debian's real CNI plugins.</summary>
public sealed class PodNetworkTests
{
    private const string NetworkName = "crishimpod";
    private const string Bridge = "crishimpod0";
    private const string Subnet = "10.99.7.0/24";

    [RootFact]
    public async Task Two_pods_get_addresses_on_the_bridge_reach_each_other_and_the_host_reaches_them()
    {
        await using var scene = await PodScene.StartAsync();
        await using var net = await TestCniNetwork.CreateAsync(scene.Daemon.CniConfDir, scene.Daemon.WorkDir, NetworkName, Bridge, Subnet);
        var config = scene.Config("net-a", network: NamespaceMode.Pod);
        config.Linux.Sysctls["net.ipv4.ip_unprivileged_port_start"] = "80";

        var a = await scene.RunAsync(config);
        var b = await scene.RunAsync(scene.Config("net-b", network: NamespaceMode.Pod));

        var statusA = (await scene.StatusAsync(a)).Status;
        var ipA = statusA.Network.Ip;
        var ipB = (await scene.StatusAsync(b)).Status.Network.Ip;
        Assert.True(net.Subnet.Contains(IPAddress.Parse(ipA)), ipA);
        Assert.True(net.Subnet.Contains(IPAddress.Parse(ipB)), ipB);
        var infoA = await scene.InfoAsync(a);
        var netnsA = infoA.GetProperty("netnsPath").GetString()!;
        var netnsB = (await scene.InfoAsync(b)).GetProperty("netnsPath").GetString()!;
        Assert.Equal(ipA, JsonNode.Parse(infoA.GetProperty("cniResult").GetRawText())!["ips"]![0]!["address"]!.GetValue<string>().Split('/')[0]);
        Assert.Contains($"inet {ipA}/24", await Shell.Run("nsenter", $"--net={netnsA}", "ip", "-o", "addr", "show", "eth0"));
        Assert.Contains("UP", await Shell.Run("nsenter", $"--net={netnsA}", "ip", "-o", "link", "show", "lo"));

        // Hostname and a network sysctl, seen from inside the pod's namespaces.
        var utsA = infoA.GetProperty("namespaces").GetProperty("uts").GetString()!;
        Assert.Equal("net-a-host", (await Shell.Run("nsenter", $"--uts={utsA}", "hostname")).Trim());
        Assert.Equal("80", (await Shell.Run("nsenter", $"--net={netnsA}", "cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start")).Trim());
        Assert.NotEqual("80", (await File.ReadAllTextAsync("/proc/sys/net/ipv4/ip_unprivileged_port_start")).Trim());

        await Shell.Run("ping", "-c", "1", "-W", "2", ipA);
        await Shell.Run("nsenter", $"--net={netnsA}", "busybox", "ping", "-c", "1", "-W", "2", ipB);
        await Shell.Run("nsenter", $"--net={netnsB}", "busybox", "ping", "-c", "1", "-W", "2", ipA);
        Assert.Equal(2, net.AllocatedIps().Count);

        var pauseA = ProcessIdentity.Find(await scene.PausePidAsync(a))!.Value;
        await scene.StopAsync(a);
        Assert.Single(net.AllocatedIps());
        await scene.RemoveAsync(a);
        await scene.RemoveAsync(b);

        Assert.Empty(net.AllocatedIps());
        Assert.Equal("", await net.BridgePortsAsync());
        scene.AssertNothingLeft(a, pauseA);
    }

    [RootFact]
    public async Task A_broken_cni_config_fails_run_with_the_plugin_message_and_leaves_nothing()
    {
        await using var scene = await PodScene.StartAsync();
        var broken = TestCniNetwork.ConfList(NetworkName, Bridge, "10.99.7.0/33", Path.Combine(scene.Daemon.WorkDir, "ipam"), withLoopback: false);
        await File.WriteAllTextAsync(Path.Combine(scene.Daemon.CniConfDir, "10-broken.conflist"), broken.ToJsonString());
        try
        {
            var error = await Assert.ThrowsAnyAsync<RpcException>(() => scene.RunAsync(scene.Config("broken", network: NamespaceMode.Pod)));

            Assert.Contains("10.99.7.0/33", error.Status.Detail);
            Assert.Empty((await scene.Daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items);
            Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(scene.Daemon.State, "sandboxes")));
            Assert.Empty(PodScene.MountsUnder(scene.Daemon.State));
            Assert.Empty(scene.CgroupDirectories());
        }
        finally
        {
            await Shell.TryRun("ip", "link", "del", Bridge);
        }
    }
}
