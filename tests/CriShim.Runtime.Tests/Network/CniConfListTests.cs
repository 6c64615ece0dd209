using System.Text.Json.Nodes;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Network;

namespace CriShim.Runtime.Tests.Network;

public sealed class CniConfListTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static CniConfList Parse(string json) => new(JsonNode.Parse(json)!.AsObject());

    [Fact]
    public void A_single_plugin_conf_becomes_a_list_of_one_with_its_name_and_version()
    {
        var config = new DaemonConfig { CniConfDir = _dir.Path };
        File.WriteAllText(_dir.Combine("10-one.conf"),
            """{"cniVersion":"0.4.0","name":"one","type":"bridge","bridge":"br9","ipam":{"type":"host-local"}}""");

        var list = new CniConfList(new CniConfigDirectory(config).Find().ConfList!);
        var stdin = list.PluginConfig(0, new CniRuntimeConfig([]), prevResult: null);

        Assert.Equal("one", list.Name);
        Assert.Equal("0.4.0", list.CniVersion);
        Assert.Single(list.Plugins);
        Assert.Equal("br9", stdin["bridge"]!.GetValue<string>());
        Assert.Equal("one", stdin["name"]!.GetValue<string>());
        Assert.Null(stdin["runtimeConfig"]);
        Assert.Null(stdin["prevResult"]);
    }

    [Fact]
    public void A_chained_plugin_gets_the_list_name_version_its_capabilities_and_the_previous_result()
    {
        var list = Parse("""
            {"cniVersion":"1.0.0","name":"net","plugins":[
              {"type":"bridge"},
              {"type":"portmap","capabilities":{"portMappings":true},"runtimeConfig":{"stale":1},"prevResult":{"stale":1}}]}
            """);
        var runtimeConfig = new CniRuntimeConfig(JsonNode.Parse("""{"portMappings":[{"hostPort":1}],"dns":{}}""")!.AsObject());
        var previous = JsonNode.Parse("""{"cniVersion":"1.0.0","ips":[]}""")!.AsObject();

        var stdin = list.PluginConfig(1, runtimeConfig, previous);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"type":"portmap","capabilities":{"portMappings":true},"name":"net","cniVersion":"1.0.0",
             "runtimeConfig":{"portMappings":[{"hostPort":1}]},"prevResult":{"cniVersion":"1.0.0","ips":[]}}
            """), stdin), stdin.ToJsonString());
        Assert.Equal("bridge", list.Plugins[0]["type"]!.GetValue<string>());
        Assert.Null(list.Plugins[0]["name"]);
    }

    [Theory]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"x"}]}""", true, true)]
    [InlineData("""{"cniVersion":"0.4.0","name":"n","plugins":[{"type":"x"}]}""", true, true)]
    [InlineData("""{"cniVersion":"0.3.1","name":"n","plugins":[{"type":"x"}]}""", false, false)]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","disableCheck":true,"plugins":[{"type":"x"}]}""", false, true)]
    [InlineData("""{"name":"n","plugins":[{"type":"x"}]}""", false, false)]
    public void Check_and_delete_with_prev_result_depend_on_the_version(string json, bool check, bool deleteWithResult)
    {
        var list = Parse(json);

        Assert.Equal(check, list.SupportsCheck);
        Assert.Equal(deleteWithResult, list.PassesResultToDelete);
    }

    [Theory]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"../bin/sh"}]}""")]
    [InlineData("""{"cniVersion":"one","name":"n","plugins":[{"type":"x"}]}""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","plugins":[]}""")]
    public void Unusable_lists_are_refused(string json)
    {
        Assert.Throws<FormatException>(() => Parse(json));
    }

    public void Dispose() => _dir.Dispose();
}
