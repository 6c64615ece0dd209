using System.Text.Json.Nodes;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Network;
using Microsoft.Extensions.Logging.Abstractions;

namespace CriShim.Runtime.Tests.Network;

/// <summary>
/// <see cref="CniNetwork"/> driving scripted plugins (real executables that record their calls):
/// the protocol between runtime and plugins. The real Debian plugins are exercised by the native tests.
/// </summary>
public sealed class CniNetworkTests : IDisposable
{
    private const string LiveNetns = "/proc/self/ns/net";
    private const string ChainConfig = """
        {"cniVersion":"1.0.0","name":"testnet","plugins":[
          {"type":"alpha","setting":1},
          {"type":"beta","capabilities":{"portMappings":true,"dns":true}}]}
        """;
    private const string AlphaResult = """{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/proc/self/ns/net"}],"ips":[{"address":"10.99.0.5/24","interface":0}]}""";
    private const string BetaResult = """{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/proc/self/ns/net"}],"ips":[{"address":"10.99.0.5/24","interface":0},{"address":"fd99::5/64","interface":0}]}""";

    private readonly TempDirectory _dir = new();
    private readonly DaemonConfig _config;
    private readonly ScriptedCniPlugin _alpha;
    private readonly ScriptedCniPlugin _beta;

    public CniNetworkTests()
    {
        _config = new DaemonConfig
        {
            Root = _dir.Combine("root"),
            CniConfDir = _dir.Combine("net.d"),
            CniBinDirs = [_dir.Combine("bin1"), _dir.Combine("bin2")],
        };
        Directory.CreateDirectory(_config.CniConfDir);
        Directory.CreateDirectory(_config.CniBinDirs[0]);
        _alpha = new ScriptedCniPlugin(_config.CniBinDirs[1], DataDir, "alpha").On("ADD", AlphaResult);
        _beta = new ScriptedCniPlugin(_config.CniBinDirs[1], DataDir, "beta").On("ADD", BetaResult);
        WriteConfig("10-testnet.conflist", ChainConfig);
    }

    private string DataDir => _dir.Combine("plugin-data");

    private IReadOnlyList<RecordedCall> Calls => ScriptedCniPlugin.Calls(DataDir);

    private void WriteConfig(string name, string json) => File.WriteAllText(Path.Combine(_config.CniConfDir, name), json);

    private CniNetwork Network(TimeSpan? timeout = null) => new(
        new CniConfigDirectory(_config),
        new CniResultCache(_config, NullLogger<CniResultCache>.Instance),
        new CniPluginInvoker(_config.CniBinDirs, timeout ?? TimeSpan.FromSeconds(20), NullLogger.Instance),
        NullLogger.Instance);

    private static PodNetworkRequest Request(string sandboxId = "sb1", string netns = LiveNetns) =>
        new(sandboxId, netns, "web", "default", "uid-1", [new PodPortMapping("TCP", 80, 8080, "")], null);

    private bool Cached(string sandboxId) => File.Exists(Path.Combine(_config.Root, "cni", sandboxId + ".json"));

    [Fact]
    public async Task Add_runs_the_chain_in_order_with_the_spec_environment_and_the_previous_result()
    {
        var result = await Network().SetUpAsync(Request(), CancellationToken.None);

        Assert.Equal(["10.99.0.5", "fd99::5"], result.Ips);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(BetaResult), JsonNode.Parse(result.RawResult)));
        var calls = Calls;
        Assert.Equal(["alpha ADD", "beta ADD"], calls.Select(c => $"{c.Plugin} {c.Command}"));
        var env = calls[0].Env;
        Assert.Equal("ADD", env["CNI_COMMAND"]);
        Assert.Equal("sb1", env["CNI_CONTAINERID"]);
        Assert.Equal(LiveNetns, env["CNI_NETNS"]);
        Assert.Equal("eth0", env["CNI_IFNAME"]);
        Assert.Equal($"{_config.CniBinDirs[0]}:{_config.CniBinDirs[1]}", env["CNI_PATH"]);
        Assert.Equal("IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=sb1;K8S_POD_UID=uid-1", env["CNI_ARGS"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"alpha","setting":1,"name":"testnet","cniVersion":"1.0.0"}"""), calls[0].Config));
        var beta = calls[1].Config;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(AlphaResult), beta["prevResult"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}"""), beta["runtimeConfig"]));
        Assert.True(Cached("sb1"));
    }

    [Fact]
    public async Task Del_replays_the_cached_config_in_reverse_after_a_restart_and_a_config_change()
    {
        await Network().SetUpAsync(Request(), CancellationToken.None);
        File.Delete(Path.Combine(_config.CniConfDir, "10-testnet.conflist"));
        WriteConfig("05-other.conflist", """{"cniVersion":"1.0.0","name":"other","plugins":[{"type":"gamma"}]}""");

        await Network().TearDownAsync("sb1", CancellationToken.None);

        var deletes = Calls.Skip(2).ToList();
        Assert.Equal(["beta DEL", "alpha DEL"], deletes.Select(c => $"{c.Plugin} {c.Command}"));
        Assert.All(deletes, c => Assert.Equal("testnet", c.Config["name"]!.GetValue<string>()));
        Assert.All(deletes, c => Assert.True(JsonNode.DeepEquals(JsonNode.Parse(BetaResult), c.Config["prevResult"])));
        Assert.Equal(8080, deletes[0].Config["runtimeConfig"]!["portMappings"]![0]!["hostPort"]!.GetValue<int>());
        Assert.Equal(LiveNetns, deletes[0].Env["CNI_NETNS"]);
        Assert.Contains("K8S_POD_NAME=web", deletes[0].Env["CNI_ARGS"]);
        Assert.False(Cached("sb1"));
    }

    [Fact]
    public async Task Del_is_idempotent_and_an_unknown_sandbox_is_nothing_to_do()
    {
        var network = Network();
        await network.SetUpAsync(Request(), CancellationToken.None);

        await network.TearDownAsync("sb1", CancellationToken.None);
        await network.TearDownAsync("sb1", CancellationToken.None);
        await network.TearDownAsync("never-seen", CancellationToken.None);

        Assert.Equal(4, Calls.Count);
    }

    [Fact]
    public async Task Del_passes_an_empty_netns_once_the_namespace_is_gone()
    {
        var netns = _dir.Combine("pinned-net");
        File.WriteAllText(netns, "");
        var network = Network();
        await network.SetUpAsync(Request(netns: netns), CancellationToken.None);
        File.Delete(netns);

        await network.TearDownAsync("sb1", CancellationToken.None);

        Assert.All(Calls.Where(c => c.Command == "DEL"), c => Assert.Equal("", c.Env["CNI_NETNS"]));
    }

    [Fact]
    public async Task A_failing_add_deletes_the_whole_chain_and_reports_the_plugin_message()
    {
        _beta.On("ADD", """{"cniVersion":"1.0.0","code":11,"msg":"port 8080 is busy","details":"try later"}""", exit: 1);

        var e = await Assert.ThrowsAsync<UnavailableException>(() => Network().SetUpAsync(Request(), CancellationToken.None));

        Assert.Contains("port 8080 is busy (try later)", e.Message);
        Assert.Contains("testnet", e.Message);
        Assert.Equal(["alpha ADD", "beta ADD", "beta DEL", "alpha DEL"], Calls.Select(c => $"{c.Plugin} {c.Command}"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(AlphaResult), Calls[2].Config["prevResult"]));
        Assert.False(Cached("sb1"));
    }

    [Fact]
    public async Task A_failing_del_runs_every_plugin_and_keeps_the_attachment_for_a_retry()
    {
        var network = Network();
        await network.SetUpAsync(Request(), CancellationToken.None);
        _beta.On("DEL", "", exit: 1, stderr: "iptables is locked");

        var e = await Assert.ThrowsAsync<UnavailableException>(() => network.TearDownAsync("sb1", CancellationToken.None));

        Assert.Contains("iptables is locked", e.Message);
        Assert.Equal(["beta DEL", "alpha DEL"], Calls.Skip(2).Select(c => $"{c.Plugin} {c.Command}"));
        Assert.True(Cached("sb1"));
        _beta.On("DEL", "");
        await network.TearDownAsync("sb1", CancellationToken.None);
        Assert.False(Cached("sb1"));
    }

    [Fact]
    public async Task A_hanging_plugin_is_killed_at_the_deadline_and_its_set_up_undone()
    {
        _alpha.Hang("ADD");
        var started = DateTime.UtcNow;

        var e = await Assert.ThrowsAsync<DeadlineExceededException>(() =>
            Network(TimeSpan.FromSeconds(1)).SetUpAsync(Request(), CancellationToken.None));

        Assert.Contains("alpha", e.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15));
        Assert.Equal(["alpha ADD", "beta DEL", "alpha DEL"], Calls.Select(c => $"{c.Plugin} {c.Command}"));
        Assert.False(Cached("sb1"));
    }

    [Fact]
    public async Task Plugins_are_looked_up_in_the_bin_dirs_in_order()
    {
        var shadowData = _dir.Combine("shadow-data");
        new ScriptedCniPlugin(_config.CniBinDirs[0], shadowData, "alpha").On("ADD", AlphaResult);

        await Network().SetUpAsync(Request(), CancellationToken.None);

        Assert.Equal(["alpha ADD"], ScriptedCniPlugin.Calls(shadowData).Select(c => $"{c.Plugin} {c.Command}"));
        Assert.Equal(["beta ADD"], Calls.Select(c => $"{c.Plugin} {c.Command}"));
    }

    [Fact]
    public async Task A_missing_plugin_is_a_failed_precondition_naming_the_bin_dirs()
    {
        WriteConfig("01-missing.conflist", """{"cniVersion":"1.0.0","name":"m","plugins":[{"type":"alpha"},{"type":"nosuchplugin"}]}""");

        var e = await Assert.ThrowsAsync<FailedPreconditionException>(() => Network().SetUpAsync(Request(), CancellationToken.None));

        Assert.Contains("nosuchplugin", e.Message);
        Assert.Contains(_config.CniBinDirs[1], e.Message);
        Assert.Equal(["alpha ADD", "alpha DEL"], Calls.Select(c => $"{c.Plugin} {c.Command}"));
    }

    [Fact]
    public async Task Without_a_network_config_set_up_is_a_failed_precondition()
    {
        File.Delete(Path.Combine(_config.CniConfDir, "10-testnet.conflist"));

        var e = await Assert.ThrowsAsync<FailedPreconditionException>(() => Network().SetUpAsync(Request(), CancellationToken.None));

        Assert.Contains(_config.CniConfDir, e.Message);
        Assert.Empty(Calls);
    }

    [Fact]
    public async Task Bad_request_values_are_refused_before_any_plugin_runs()
    {
        var network = Network();

        await Assert.ThrowsAsync<InvalidArgumentException>(() => network.SetUpAsync(Request(sandboxId: "../x"), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidArgumentException>(() => network.SetUpAsync(
            Request() with { PortMappings = [new PodPortMapping("ICMP", 1, 1, "")] }, CancellationToken.None));
        await Assert.ThrowsAsync<FailedPreconditionException>(() => network.SetUpAsync(
            Request(netns: _dir.Combine("no-such-netns")), CancellationToken.None));
        Assert.Empty(Calls);
    }

    [Fact]
    public async Task Check_gives_every_plugin_the_cached_result_and_reports_a_problem()
    {
        var network = Network();
        await network.SetUpAsync(Request(), CancellationToken.None);

        await network.CheckAsync("sb1", CancellationToken.None);
        Assert.Equal(["alpha CHECK", "beta CHECK"], Calls.Skip(2).Select(c => $"{c.Plugin} {c.Command}"));
        Assert.All(Calls.Skip(2), c => Assert.True(JsonNode.DeepEquals(JsonNode.Parse(BetaResult), c.Config["prevResult"])));

        _alpha.On("CHECK", """{"code":100,"msg":"eth0 lost its address"}""", exit: 1);
        var e = await Assert.ThrowsAsync<FailedPreconditionException>(() => network.CheckAsync("sb1", CancellationToken.None));
        Assert.Contains("eth0 lost its address", e.Message);
        await Assert.ThrowsAsync<NotFoundException>(() => network.CheckAsync("unknown", CancellationToken.None));
    }

    [Fact]
    public async Task Check_is_skipped_before_spec_0_4_0()
    {
        WriteConfig("01-old.conflist", """{"cniVersion":"0.3.1","name":"old","plugins":[{"type":"alpha"}]}""");
        var network = Network();
        await network.SetUpAsync(Request(), CancellationToken.None);

        await network.CheckAsync("sb1", CancellationToken.None);
        await network.TearDownAsync("sb1", CancellationToken.None);

        Assert.Equal(["alpha ADD", "alpha DEL"], Calls.Select(c => $"{c.Plugin} {c.Command}"));
        Assert.Null(Calls[1].Config["prevResult"]);
    }

    [Fact]
    public async Task An_incompatible_version_error_names_the_versions_the_plugin_supports()
    {
        _alpha.On("ADD", """{"code":1,"msg":"incompatible CNI versions"}""", exit: 1)
            .On("VERSION", """{"cniVersion":"1.0.0","supportedVersions":["0.3.1","0.4.0"]}""");

        var e = await Assert.ThrowsAsync<UnavailableException>(() => Network().SetUpAsync(Request(), CancellationToken.None));

        Assert.Contains("cniVersion 1.0.0, alpha supports 0.3.1, 0.4.0", e.Message);
        var version = Calls.Single(c => c.Command == "VERSION");
        Assert.Equal("1.0.0", version.Config["cniVersion"]!.GetValue<string>());
    }

    public void Dispose() => _dir.Dispose();
}
