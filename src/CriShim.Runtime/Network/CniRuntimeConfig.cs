using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Network;

/// <summary>
/// The capability arguments a runtime offers (<c>portMappings</c>, <c>dns</c>, <c>ips</c>,
/// <c>bandwidth</c>); each plugin receives, as <c>runtimeConfig</c>, only those it declares in its
/// <c>capabilities</c>, as the CNI conventions require.
/// </summary>
public sealed class CniRuntimeConfig
{
    private static readonly string[] Protocols = ["tcp", "udp", "sctp"];

    private readonly JsonObject _args;

    public CniRuntimeConfig(JsonObject args) => _args = args;

    /// <summary>Everything offered, for the cache.</summary>
    public JsonObject Json => (JsonObject)_args.DeepClone();

    /// <summary>Builds the offer from a pod request; malformed values are the caller's mistake.</summary>
    public static CniRuntimeConfig From(PodNetworkRequest request)
    {
        var args = new JsonObject();
        var mappings = new JsonArray();
        foreach (var port in request.PortMappings)
        {
            // Like containerd: a mapping without a host port only documents the container port.
            if (port.HostPort <= 0)
            {
                continue;
            }
            mappings.Add((JsonNode)PortMapping(port));
        }
        if (mappings.Count > 0)
        {
            args["portMappings"] = mappings;
        }
        if (request.Dns is { } dns && (dns.Servers.Count > 0 || dns.Searches.Count > 0 || dns.Options.Count > 0))
        {
            args["dns"] = new JsonObject
            {
                ["servers"] = StringArray(dns.Servers),
                ["searches"] = StringArray(dns.Searches),
                ["options"] = StringArray(dns.Options),
            };
        }
        if (request.RequestedIps is { Count: > 0 } ips)
        {
            foreach (var ip in ips)
            {
                if (!IPAddress.TryParse(ip, out _) && !IPNetwork.TryParse(ip, out _))
                {
                    throw new InvalidArgumentException($"requested pod IP '{ip}' is not an IP address");
                }
            }
            args["ips"] = StringArray(ips);
        }
        if (request.Bandwidth is { } bandwidth)
        {
            if (bandwidth.IngressRate < 0 || bandwidth.IngressBurst < 0 || bandwidth.EgressRate < 0 || bandwidth.EgressBurst < 0)
            {
                throw new InvalidArgumentException("pod bandwidth rates and bursts cannot be negative");
            }
            args["bandwidth"] = new JsonObject
            {
                ["ingressRate"] = bandwidth.IngressRate,
                ["ingressBurst"] = bandwidth.IngressBurst,
                ["egressRate"] = bandwidth.EgressRate,
                ["egressBurst"] = bandwidth.EgressBurst,
            };
        }
        return new CniRuntimeConfig(args);
    }

    /// <summary>The <c>runtimeConfig</c> for one plugin: the offered arguments it declared as capabilities.</summary>
    public JsonObject For(JsonObject plugin)
    {
        var result = new JsonObject();
        if (plugin["capabilities"] is not JsonObject capabilities)
        {
            return result;
        }
        foreach (var (name, enabled) in capabilities)
        {
            if (enabled?.GetValueKind() == JsonValueKind.True && _args[name] is { } value)
            {
                result[name] = value.DeepClone();
            }
        }
        return result;
    }

    private static JsonObject PortMapping(PodPortMapping port)
    {
        var protocol = string.IsNullOrEmpty(port.Protocol) ? "tcp" : port.Protocol.ToLowerInvariant();
        if (!Protocols.Contains(protocol))
        {
            throw new InvalidArgumentException($"port mapping protocol '{port.Protocol}' is not one of TCP, UDP, SCTP");
        }
        if (port.HostPort > 65535 || port.ContainerPort is <= 0 or > 65535)
        {
            throw new InvalidArgumentException(
                $"port mapping {port.HostPort}->{port.ContainerPort}/{protocol}: ports must be between 1 and 65535");
        }
        var mapping = new JsonObject
        {
            ["hostPort"] = port.HostPort,
            ["containerPort"] = port.ContainerPort,
            ["protocol"] = protocol,
        };
        if (!string.IsNullOrEmpty(port.HostIp))
        {
            if (!IPAddress.TryParse(port.HostIp, out _))
            {
                throw new InvalidArgumentException($"port mapping host IP '{port.HostIp}' is not an IP address");
            }
            mapping["hostIP"] = port.HostIp;
        }
        return mapping;
    }

    private static JsonArray StringArray(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
