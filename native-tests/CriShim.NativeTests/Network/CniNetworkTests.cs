using System.Net;
using System.Text.Json.Nodes;
using CriShim.NativeTests.Infrastructure;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Network;
using Microsoft.Extensions.Logging.Abstractions;

namespace CriShim.NativeTests.Network;

/// <summary>
/// <see cref="CniNetwork"/> against Debian's real bridge, host-local, portmap and loopback plugins,
/// on network namespaces made with <c>ip netns</c> standing in for pinned pod namespaces.
/// </summary>
public sealed class CniNetworkTests
{
    [RootFact]
    public async Task Add_gives_eth0_an_address_the_host_and_another_pod_reach()
    {
        await using var scene = await Scene.CreateAsync();
        var network = scene.NewNetwork();
        await using var ns1 = await TestNetworkNamespace.CreateAsync();
        await using var ns2 = await TestNetworkNamespace.CreateAsync();

        var pod1 = await network.SetUpAsync(scene.Request("pod1", ns1), CancellationToken.None);
        var pod2 = await network.SetUpAsync(scene.Request("pod2", ns2), CancellationToken.None);

        var ip1 = Assert.Single(pod1.Ips);
        var ip2 = Assert.Single(pod2.Ips);
        Assert.True(scene.Net.Subnet.Contains(IPAddress.Parse(ip1)), ip1);
        Assert.True(scene.Net.Subnet.Contains(IPAddress.Parse(ip2)), ip2);
        Assert.Contains($"inet {ip1}/24", await Shell.Run("ip", "-n", ns1.Name, "addr", "show", "eth0"));
        Assert.Equal(ip1, JsonNode.Parse(pod1.RawResult)!["ips"]![0]!["address"]!.GetValue<string>().Split('/')[0]);
        await Shell.Run("ping", "-c", "1", "-W", "2", ip1);
        await ns1.ExecAsync("ping", "-c", "1", "-W", "2", ip2);
        await ns2.ExecAsync("ping", "-c", "1", "-W", "2", ip1);
        Assert.Equal(2, scene.Net.AllocatedIps().Count);

        await network.TearDownAsync("pod1", CancellationToken.None);
        await network.TearDownAsync("pod2", CancellationToken.None);

        Assert.Empty(scene.Net.AllocatedIps());
        Assert.Equal("", await scene.Net.BridgePortsAsync());
        Assert.DoesNotContain("eth0", await Shell.Run("ip", "-n", ns1.Name, "link"));
    }

    [RootFact]
    public async Task A_port_mapping_becomes_a_dnat_rule_that_del_removes_and_a_second_del_is_fine()
    {
        await using var scene = await Scene.CreateAsync();
        var network = scene.NewNetwork();
        await using var ns = await TestNetworkNamespace.CreateAsync();

        var pod = await network.SetUpAsync(scene.Request("pod1", ns, hostPort: 18080), CancellationToken.None);

        var rules = await PortmapRules.NatRulesAsync();
        Assert.Contains(rules, r => r.Contains("--dport 18080") && r.Contains($"--to-destination {pod.Ips[0]}:80"));
        Assert.Contains(rules, r => r.Contains("CNI-HOSTPORT-DNAT") && r.Contains("pod1"));

        await network.TearDownAsync("pod1", CancellationToken.None);
        await network.TearDownAsync("pod1", CancellationToken.None);

        rules = await PortmapRules.NatRulesAsync();
        Assert.DoesNotContain(rules, r => r.Contains("--dport 18080") || r.Contains("pod1"));
        Assert.Empty(scene.Net.AllocatedIps());
    }

    [RootFact]
    public async Task Del_after_the_netns_is_gone_succeeds_and_frees_the_address()
    {
        await using var scene = await Scene.CreateAsync();
        var network = scene.NewNetwork();
        await using var ns = await TestNetworkNamespace.CreateAsync();
        await network.SetUpAsync(scene.Request("pod1", ns, hostPort: 18081), CancellationToken.None);
        Assert.Single(scene.Net.AllocatedIps());

        await ns.DeleteAsync();
        await network.TearDownAsync("pod1", CancellationToken.None);

        Assert.Empty(scene.Net.AllocatedIps());
        Assert.Equal("", await scene.Net.BridgePortsAsync());
        Assert.DoesNotContain(await PortmapRules.NatRulesAsync(), r => r.Contains("--dport 18081"));
        Assert.False(File.Exists(Path.Combine(scene.Config.Root, "cni", "pod1.json")));
    }

    [RootFact]
    public async Task Del_after_a_restart_and_a_config_change_uses_the_cached_config()
    {
        await using var scene = await Scene.CreateAsync();
        await using var ns = await TestNetworkNamespace.CreateAsync();
        await scene.NewNetwork().SetUpAsync(scene.Request("pod1", ns, hostPort: 18082), CancellationToken.None);
        File.Delete(scene.Net.ConfFile);
        await File.WriteAllTextAsync(Path.Combine(scene.Config.CniConfDir, "00-other.conflist"),
            """{"cniVersion":"1.0.0","name":"other","plugins":[{"type":"loopback"}]}""");

        await scene.NewNetwork().TearDownAsync("pod1", CancellationToken.None);

        Assert.Empty(scene.Net.AllocatedIps());
        Assert.Equal("", await scene.Net.BridgePortsAsync());
        Assert.DoesNotContain(await PortmapRules.NatRulesAsync(), r => r.Contains("--dport 18082"));
        Assert.DoesNotContain("eth0", await Shell.Run("ip", "-n", ns.Name, "link"));
    }

    [RootFact]
    public async Task A_broken_ipam_config_fails_add_with_the_plugin_message_and_leaves_nothing()
    {
        await using var scene = await Scene.CreateAsync();
        var broken = TestCniNetwork.ConfList(scene.Net.Name, scene.Net.Bridge, "10.99.0.0/33", scene.Net.DataDir, withLoopback: false);
        await File.WriteAllTextAsync(scene.Net.ConfFile, broken.ToJsonString());
        await using var ns = await TestNetworkNamespace.CreateAsync();

        var e = await Assert.ThrowsAsync<UnavailableException>(() =>
            scene.NewNetwork().SetUpAsync(scene.Request("pod1", ns), CancellationToken.None));

        Assert.Contains("10.99.0.0/33", e.Message);
        Assert.Contains("CNI plugin bridge failed ADD", e.Message);
        Assert.Empty(scene.Net.AllocatedIps());
        Assert.Equal("", await scene.Net.BridgePortsAsync());
        Assert.DoesNotContain("eth0", await Shell.Run("ip", "-n", ns.Name, "link"));
        Assert.False(File.Exists(Path.Combine(scene.Config.Root, "cni", "pod1.json")));
    }

    // Without port mappings: Debian 12's portmap (1.1.1) fails CHECK of an IPv4-only pod with
    // mappings by looking for ip6tables rules it never made (containernetworking/plugins#819).
    [RootFact]
    public async Task Check_succeeds_on_a_healthy_attachment_and_fails_once_eth0_is_gone()
    {
        await using var scene = await Scene.CreateAsync();
        var network = scene.NewNetwork();
        await using var ns = await TestNetworkNamespace.CreateAsync();
        await network.SetUpAsync(scene.Request("pod1", ns), CancellationToken.None);

        await network.CheckAsync("pod1", CancellationToken.None);

        await Shell.Run("ip", "-n", ns.Name, "link", "del", "eth0");
        var e = await Assert.ThrowsAsync<FailedPreconditionException>(() => network.CheckAsync("pod1", CancellationToken.None));
        Assert.Contains("eth0", e.Message);
        await network.TearDownAsync("pod1", CancellationToken.None);
        Assert.Empty(scene.Net.AllocatedIps());
    }

    [RootFact]
    public async Task A_conflist_with_the_loopback_plugin_brings_lo_up()
    {
        await using var scene = await Scene.CreateAsync(withLoopback: true);
        var network = scene.NewNetwork();
        await using var ns = await TestNetworkNamespace.CreateAsync();

        var pod = await network.SetUpAsync(scene.Request("pod1", ns), CancellationToken.None);

        Assert.Single(pod.Ips);
        Assert.Contains("UP", await Shell.Run("ip", "-n", ns.Name, "-o", "link", "show", "lo"));
        await ns.ExecAsync("ping", "-c", "1", "-W", "2", "127.0.0.1");
        await network.TearDownAsync("pod1", CancellationToken.None);
        Assert.Empty(scene.Net.AllocatedIps());
    }

    /// <summary>A work dir with the test network's conflist, a daemon config pointing at it, and clean-up of every sandbox used.</summary>
    private sealed class Scene : IAsyncDisposable
    {
        private readonly HashSet<string> _sandboxes = [];

        private Scene(string workDir, TestCniNetwork net)
        {
            WorkDir = workDir;
            Net = net;
            Config = new DaemonConfig { Root = Path.Combine(workDir, "root"), CniConfDir = Path.Combine(workDir, "net.d") };
        }

        public string WorkDir { get; }
        public TestCniNetwork Net { get; }
        public DaemonConfig Config { get; }

        public static async Task<Scene> CreateAsync(bool withLoopback = false)
        {
            var workDir = Directory.CreateTempSubdirectory("crishim-cni-").FullName;
            var net = await TestCniNetwork.CreateAsync(Path.Combine(workDir, "net.d"), workDir, withLoopback: withLoopback);
            return new Scene(workDir, net);
        }

        /// <summary>A fresh instance over the same root, as after a daemon restart.</summary>
        public CniNetwork NewNetwork() => new(Config, new CniConfigDirectory(Config),
            new CniResultCache(Config, NullLogger<CniResultCache>.Instance), NullLogger<CniNetwork>.Instance);

        public PodNetworkRequest Request(string sandboxId, TestNetworkNamespace ns, int hostPort = 0)
        {
            _sandboxes.Add(sandboxId);
            return new PodNetworkRequest(sandboxId, ns.Path, "pod-" + sandboxId, "crishim-test", "uid-" + sandboxId,
                hostPort > 0 ? [new PodPortMapping("TCP", 80, hostPort, "")] : [], null);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var sandbox in _sandboxes)
            {
                try
                {
                    await NewNetwork().TearDownAsync(sandbox, CancellationToken.None);
                }
                catch (CriException)
                {
                    // The bridge, rules and IPAM store go below anyway.
                }
            }
            await Net.DisposeAsync();
            Directory.Delete(WorkDir, recursive: true);
        }
    }
}
