using System.Text.Json.Nodes;
using CriShim.Runtime.Network;

namespace CriShim.Runtime.Tests.Network;

public sealed class CniResultTests
{
    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void A_1_0_0_result_gives_the_pod_addresses_with_ipv4_first()
    {
        var result = Parse("""
            {"cniVersion":"1.0.0",
             "interfaces":[{"name":"cni0","mac":"aa:bb"},{"name":"veth1","mac":"cc:dd"},{"name":"eth0","mac":"ee:ff","sandbox":"/run/netns/x"}],
             "ips":[{"address":"fd00:99::5/64","gateway":"fd00:99::1","interface":2},
                    {"address":"10.99.0.5/24","gateway":"10.99.0.1","interface":2},
                    {"address":"10.99.0.1/24","interface":0}]}
            """);

        Assert.Equal(["10.99.0.5", "fd00:99::5"], CniResult.PodIps(result));
    }

    [Fact]
    public void A_0_4_0_result_with_versioned_ips_and_no_interface_index_is_read()
    {
        var result = Parse("""
            {"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.88.0.9/16","gateway":"10.88.0.1"}],"dns":{}}
            """);

        Assert.Equal(["10.88.0.9"], CniResult.PodIps(result));
    }

    [Fact]
    public void An_ipv6_only_result_has_an_ipv6_primary()
    {
        var result = Parse("""{"cniVersion":"1.0.0","ips":[{"address":"fd00::2/64"},{"address":"fd00::3/64"}]}""");

        Assert.Equal(["fd00::2", "fd00::3"], CniResult.PodIps(result));
    }

    [Fact]
    public void A_0_2_0_result_is_read_from_ip4_and_ip6()
    {
        var result = Parse("""{"cniVersion":"0.2.0","ip6":{"ip":"fd00::2/64"},"ip4":{"ip":"10.1.2.3/24","gateway":"10.1.2.1"}}""");

        Assert.Equal(["10.1.2.3", "fd00::2"], CniResult.PodIps(result));
    }

    [Fact]
    public void A_result_without_addresses_gives_none()
    {
        Assert.Empty(CniResult.PodIps(Parse("""{"cniVersion":"1.0.0","interfaces":[{"name":"eth0"}]}""")));
    }
}
