using System.Text.Json.Nodes;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Network;
using Microsoft.Extensions.Logging.Abstractions;

namespace CriShim.Runtime.Tests.Network;

public sealed class CniResultCacheTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void An_attachment_survives_a_restart_as_a_file_named_after_the_sandbox()
    {
        var config = new DaemonConfig { Root = _dir.Path };
        var attachment = new CniAttachment("sb1", "/run/netns/x", "eth0", "IgnoreUnknown=1", "/etc/cni/net.d/10.conflist",
            JsonNode.Parse("""{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"bridge","ipam":{"ranges":[[{"subnet":"10.99.0.0/24"}]]}}]}""")!.AsObject(),
            JsonNode.Parse("""{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}""")!.AsObject(),
            JsonNode.Parse("""{"cniVersion":"1.0.0","ips":[{"address":"10.99.0.2/24"}]}""")!.AsObject());
        new CniResultCache(config, NullLogger<CniResultCache>.Instance).Put(attachment);

        var reloaded = new CniResultCache(config, NullLogger<CniResultCache>.Instance).Find("sb1");

        Assert.True(File.Exists(_dir.Combine("cni", "sb1.json")));
        Assert.NotNull(reloaded);
        Assert.Equal(attachment with { ConfList = null!, CapabilityArgs = null!, Result = null }, reloaded with { ConfList = null!, CapabilityArgs = null!, Result = null });
        Assert.True(JsonNode.DeepEquals(attachment.ConfList, reloaded.ConfList));
        Assert.True(JsonNode.DeepEquals(attachment.CapabilityArgs, reloaded.CapabilityArgs));
        Assert.True(JsonNode.DeepEquals(attachment.Result, reloaded.Result));
    }

    [Fact]
    public void Removing_deletes_the_file()
    {
        var config = new DaemonConfig { Root = _dir.Path };
        var cache = new CniResultCache(config, NullLogger<CniResultCache>.Instance);
        cache.Put(new CniAttachment("sb2", "", "eth0", "", "", [], [], null));

        cache.Remove("sb2");

        Assert.Null(new CniResultCache(config, NullLogger<CniResultCache>.Instance).Find("sb2"));
        Assert.False(File.Exists(_dir.Combine("cni", "sb2.json")));
    }

    public void Dispose() => _dir.Dispose();
}
