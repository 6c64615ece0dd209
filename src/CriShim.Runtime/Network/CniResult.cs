using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CriShim.Runtime.Network;

/// <summary>
/// Reads the pod's addresses from a plugin result of any spec version: <c>ips[]</c> (0.3.0 and
/// later, CIDR notation) or <c>ip4</c>/<c>ip6</c> (0.1.0/0.2.0). Addresses on host-side
/// interfaces are left out; the primary address is the first IPv4 one, else the first.
/// </summary>
public static class CniResult
{
    public static IReadOnlyList<string> PodIps(JsonObject result)
    {
        var addresses = new List<IPAddress>();
        if (result["ips"] is JsonArray ips)
        {
            var interfaces = result["interfaces"] as JsonArray;
            foreach (var entry in ips.OfType<JsonObject>())
            {
                if (IsOnHostInterface(entry, interfaces))
                {
                    continue;
                }
                if (Parse(entry["address"]) is { } address)
                {
                    addresses.Add(address);
                }
            }
        }
        else
        {
            foreach (var family in new[] { "ip4", "ip6" })
            {
                if (Parse(result[family]?["ip"]) is { } address)
                {
                    addresses.Add(address);
                }
            }
        }
        var distinct = addresses.Distinct().ToList();
        var primary = distinct.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? distinct.FirstOrDefault();
        return primary is null
            ? []
            : [primary.ToString(), .. distinct.Where(a => !a.Equals(primary)).Select(a => a.ToString())];
    }

    /// <summary>An address whose <c>interface</c> index names an interface with no sandbox lives on the host.</summary>
    private static bool IsOnHostInterface(JsonObject ip, JsonArray? interfaces)
    {
        if (interfaces is null || ip["interface"]?.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }
        var index = ip["interface"]!.GetValue<int>();
        if (index < 0 || index >= interfaces.Count)
        {
            return false;
        }
        var sandbox = interfaces[index]?["sandbox"];
        return sandbox is null || (sandbox.GetValueKind() == JsonValueKind.String && sandbox.GetValue<string>().Length == 0);
    }

    private static IPAddress? Parse(JsonNode? node)
    {
        if (node?.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }
        var text = node.GetValue<string>();
        var slash = text.IndexOf('/');
        return IPAddress.TryParse(slash >= 0 ? text[..slash] : text, out var address) ? address : null;
    }
}
