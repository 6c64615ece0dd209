using System.Text.Json.Nodes;

namespace CriShim.Bench.Host;

/// <summary>
/// One runtime's CNI network, run by Debian's plugins: bridge (own name, gateway, no masquerade) with
/// host-local IPAM on a private subnet, and portmap, the same chain the native tests give crishim.
/// Each runtime gets its own bridge and subnet so the two never share addresses.
/// </summary>
public sealed record BenchNetwork(string Name, string Bridge, string Subnet)
{
    /// <summary>Where libcni (containerd) caches results unless told otherwise.</summary>
    private const string LibCniCache = "/var/lib/cni";

    /// <summary>Writes the conflist into <paramref name="confDir"/> with the IPAM store under <paramref name="dataDir"/>.</summary>
    public async Task WriteConfListAsync(string confDir, string dataDir)
    {
        Directory.CreateDirectory(confDir);
        var conflist = new JsonObject
        {
            ["cniVersion"] = "1.0.0",
            ["name"] = Name,
            ["plugins"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "bridge",
                    ["bridge"] = Bridge,
                    ["isGateway"] = true,
                    ["ipMasq"] = false,
                    ["hairpinMode"] = true,
                    ["ipam"] = new JsonObject
                    {
                        ["type"] = "host-local",
                        ["dataDir"] = dataDir,
                        ["ranges"] = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = Subnet })),
                        ["routes"] = new JsonArray(new JsonObject { ["dst"] = "0.0.0.0/0" }),
                    },
                },
                new JsonObject { ["type"] = "portmap", ["capabilities"] = new JsonObject { ["portMappings"] = true } }),
        };
        await File.WriteAllTextAsync(Path.Combine(confDir, $"10-{Name}.conflist"), conflist.ToJsonString());
    }

    /// <summary>
    /// Removes what the plugins leave on the host when pods were not torn down: the bridge, nat
    /// rules commented with this network's name, and libcni's cached results for it.
    /// </summary>
    public async Task RemoveHostStateAsync()
    {
        await HostCommand.TryRunAsync("ip", "link", "del", Bridge);
        foreach (var iptables in new[] { "iptables", "ip6tables" })
        {
            var (code, rules) = await HostCommand.TryRunAsync(iptables, "-w", "-t", "nat", "-S");
            if (code != 0)
            {
                continue;
            }
            foreach (var rule in rules.Split('\n').Where(r => r.StartsWith("-A ", StringComparison.Ordinal) && r.Contains($"\\\"{Name}\\\"")))
            {
                // -S quotes like a shell, so the shell turns the rule back into arguments.
                await HostCommand.TryRunAsync("sh", "-c", $"{iptables} -w -t nat -D {rule[3..]}");
            }
        }
        foreach (var cache in new[] { Path.Combine(LibCniCache, "results"), Path.Combine(LibCniCache, "networks", Name) })
        {
            if (Directory.Exists(cache) && cache.EndsWith(Name, StringComparison.Ordinal))
            {
                Directory.Delete(cache, recursive: true);
            }
            else if (Directory.Exists(cache))
            {
                foreach (var file in Directory.EnumerateFiles(cache, $"{Name}-*"))
                {
                    File.Delete(file);
                }
            }
        }
    }
}
