using System.Text.Json.Nodes;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Network;

namespace CriShim.Runtime.Tests.Network;

public sealed class CniRuntimeConfigTests
{
    private static PodNetworkRequest Request(IReadOnlyList<PodPortMapping> ports, PodDnsConfig? dns = null,
        IReadOnlyList<string>? ips = null, PodBandwidth? bandwidth = null) =>
        new("abc", "/run/netns/x", "web", "default", "uid", ports, dns, ips, bandwidth);

    [Fact]
    public void Port_mappings_use_the_portmap_field_names_with_lowercase_protocols()
    {
        var config = CniRuntimeConfig.From(Request(
        [
            new PodPortMapping("TCP", 80, 8080, ""),
            new PodPortMapping("UDP", 53, 5353, "127.0.0.1"),
            new PodPortMapping("TCP", 9090, 0, ""),
        ]));

        var mappings = config.Json["portMappings"]!.AsArray();
        Assert.Equal(2, mappings.Count);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"hostPort":8080,"containerPort":80,"protocol":"tcp"}"""), mappings[0]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"hostPort":5353,"containerPort":53,"protocol":"udp","hostIP":"127.0.0.1"}"""), mappings[1]));
    }

    [Fact]
    public void A_plugin_gets_only_the_capabilities_it_declares()
    {
        var config = CniRuntimeConfig.From(Request([new PodPortMapping("TCP", 80, 8080, "")],
            new PodDnsConfig(["10.0.0.10"], ["svc.cluster.local"], ["ndots:5"]), ["10.99.0.7"], new PodBandwidth(1000, 2000, 3000, 4000)));

        var portmap = config.For(JsonNode.Parse("""{"type":"portmap","capabilities":{"portMappings":true,"dns":false}}""")!.AsObject());
        var bridge = config.For(JsonNode.Parse("""{"type":"bridge"}""")!.AsObject());
        var all = config.For(JsonNode.Parse("""{"type":"x","capabilities":{"dns":true,"ips":true,"bandwidth":true,"mac":true}}""")!.AsObject());

        Assert.Equal(["portMappings"], portmap.Select(p => p.Key));
        Assert.Empty(bridge);
        Assert.Equal(["dns", "ips", "bandwidth"], all.Select(p => p.Key));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"servers":["10.0.0.10"],"searches":["svc.cluster.local"],"options":["ndots:5"]}"""), all["dns"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""["10.99.0.7"]"""), all["ips"]));
        Assert.Equal(3000, all["bandwidth"]!["egressRate"]!.GetValue<long>());
    }

    [Fact]
    public void Nothing_is_offered_for_empty_inputs()
    {
        var config = CniRuntimeConfig.From(Request([], new PodDnsConfig([], [], [])));

        Assert.Empty(config.Json);
    }

    [Theory]
    [InlineData("ICMP", 80, 8080, "")]
    [InlineData("TCP", 0, 8080, "")]
    [InlineData("TCP", 80, 70000, "")]
    [InlineData("TCP", 80, 8080, "not-an-ip")]
    public void Malformed_port_mappings_are_invalid_arguments(string protocol, int containerPort, int hostPort, string hostIp)
    {
        Assert.Throws<InvalidArgumentException>(() =>
            CniRuntimeConfig.From(Request([new PodPortMapping(protocol, containerPort, hostPort, hostIp)])));
    }

    [Fact]
    public void A_requested_ip_must_be_an_address()
    {
        var e = Assert.Throws<InvalidArgumentException>(() => CniRuntimeConfig.From(Request([], ips: ["ten.one"])));

        Assert.Contains("ten.one", e.Message);
    }
}
