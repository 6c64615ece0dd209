using System.Net;
using System.Text.Json.Nodes;

namespace CriShim.NativeTests.Infrastructure;

/// <summary>
/// A CNI network for tests, run by Debian's real plugins: bridge (own bridge name, gateway, no
/// masquerade, hairpin) with host-local IPAM on a private subnet whose store (<see cref="DataDir"/>)
/// lives in the test's work dir so leaks are visible, and portmap. Loopback is left out by default
/// because the runtime brings <c>lo</c> up itself. Disposing removes the bridge, the portmap
/// iptables rules of this network and the IPAM store; creating first removes leftovers of an
/// interrupted run with the same names.
/// </summary>
public sealed class TestCniNetwork : IAsyncDisposable
{
    private TestCniNetwork(string confDir, string workDir, string name, string bridge, string subnet, bool withLoopback)
    {
        Name = name;
        Bridge = bridge;
        Subnet = IPNetwork.Parse(subnet);
        DataDir = Path.Combine(workDir, $"{name}-ipam");
        ConfFile = Path.Combine(confDir, $"10-{name}.conflist");
        Json = ConfList(name, bridge, subnet, DataDir, withLoopback);
    }

    public string Name { get; }
    public string Bridge { get; }
    public IPNetwork Subnet { get; }

    /// <summary>host-local's store: one file per allocated address under <c>DataDir/Name</c>.</summary>
    public string DataDir { get; }

    public string ConfFile { get; }
    public JsonObject Json { get; }

    /// <summary>Writes the conflist into <paramref name="confDir"/>; bridge names must stay under 16 characters.</summary>
    public static async Task<TestCniNetwork> CreateAsync(string confDir, string workDir, string name = "crishimtest",
        string bridge = "crishimtest0", string subnet = "10.99.0.0/24", bool withLoopback = false)
    {
        var network = new TestCniNetwork(confDir, workDir, name, bridge, subnet, withLoopback);
        await network.RemoveHostStateAsync();
        Directory.CreateDirectory(confDir);
        await File.WriteAllTextAsync(network.ConfFile, network.Json.ToJsonString());
        return network;
    }

    /// <summary>The conflist this network writes, for tests that need a variant of it.</summary>
    public static JsonObject ConfList(string name, string bridge, string subnet, string dataDir, bool withLoopback)
    {
        var plugins = new JsonArray();
        if (withLoopback)
        {
            plugins.Add(new JsonObject { ["type"] = "loopback" });
        }
        plugins.Add(new JsonObject
        {
            ["type"] = "bridge",
            ["bridge"] = bridge,
            ["isGateway"] = true,
            ["ipMasq"] = false,
            ["hairpinMode"] = true,
            ["ipam"] = new JsonObject
            {
                ["type"] = "host-local",
                ["dataDir"] = dataDir,
                ["ranges"] = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = subnet })),
                ["routes"] = new JsonArray(new JsonObject { ["dst"] = "0.0.0.0/0" }),
            },
        });
        plugins.Add(new JsonObject
        {
            ["type"] = "portmap",
            ["capabilities"] = new JsonObject { ["portMappings"] = true },
        });
        return new JsonObject { ["cniVersion"] = "1.0.0", ["name"] = name, ["plugins"] = plugins };
    }

    /// <summary>Addresses host-local holds for this network right now.</summary>
    public IReadOnlyList<string> AllocatedIps()
    {
        var store = Path.Combine(DataDir, Name);
        return Directory.Exists(store)
            ? Directory.EnumerateFiles(store).Select(Path.GetFileName).Where(f => IPAddress.TryParse(f, out _)).Select(f => f!).ToList()
            : [];
    }

    /// <summary>Host-side interfaces (veths) attached to the bridge.</summary>
    public async Task<string> BridgePortsAsync() => (await Shell.TryRun("ip", "-o", "link", "show", "master", Bridge)).Output.Trim();

    public async ValueTask DisposeAsync()
    {
        await RemoveHostStateAsync();
        File.Delete(ConfFile);
    }

    private async Task RemoveHostStateAsync()
    {
        await Shell.TryRun("ip", "link", "del", Bridge);
        foreach (var iptables in new[] { "iptables", "ip6tables" })
        {
            await PortmapRules.RemoveAsync(iptables, Name);
        }
        if (Directory.Exists(DataDir))
        {
            Directory.Delete(DataDir, recursive: true);
        }
    }
}
