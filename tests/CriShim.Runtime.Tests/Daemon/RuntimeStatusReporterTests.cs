using System.Text.Json;
using CriShim.Protocol.V1;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Sandbox;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Network;
using Microsoft.Extensions.Logging.Abstractions;

namespace CriShim.Runtime.Tests.Daemon;

public sealed class RuntimeStatusReporterTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly DaemonConfig _config;
    private readonly RuntimeStatusReporter _reporter;

    public RuntimeStatusReporterTests()
    {
        _config = new DaemonConfig { Root = _dir.Combine("root"), CniConfDir = _dir.Combine("net.d") };
        Directory.CreateDirectory(_config.CniConfDir);
        _reporter = new RuntimeStatusReporter(_config, new CniConfigDirectory(_config),
            new RuntimeSettingsStore(_config, NullLogger<RuntimeSettingsStore>.Instance), new RuntimeHandlers(_config, new RuntimeHelperBinary("/x/crishim-runtime")));
    }

    [Fact]
    public void Version_names_the_runtime_and_api()
    {
        var version = _reporter.Version();

        Assert.Equal("crishim", version.RuntimeName);
        Assert.Equal("v1", version.RuntimeApiVersion);
        Assert.Equal("0.1.0", version.Version);
        Assert.Equal("0.1.0", version.RuntimeVersion);
    }

    [Fact]
    public void Network_is_not_ready_without_a_valid_config_and_says_why()
    {
        File.WriteAllText(Path.Combine(_config.CniConfDir, "05-broken.conflist"), "{\"name\":\"x\"}");

        var status = _reporter.Status(verbose: false);

        var runtime = Assert.Single(status.Status.Conditions, c => c.Type == "RuntimeReady");
        var network = Assert.Single(status.Status.Conditions, c => c.Type == "NetworkReady");
        Assert.True(runtime.Status);
        Assert.False(network.Status);
        Assert.Equal("NetworkPluginNotReady", network.Reason);
        Assert.Contains("05-broken.conflist: missing or empty \"plugins\"", network.Message);
        Assert.Empty(status.Info);
        var handler = Assert.Single(status.RuntimeHandlers);
        Assert.Equal("", handler.Name);
        Assert.NotNull(handler.Features);
        Assert.True(status.Features.SupplementalGroupsPolicy);
    }

    [Fact]
    public void A_single_plugin_conf_makes_the_network_ready()
    {
        File.WriteAllText(Path.Combine(_config.CniConfDir, "10-bridge.conf"), "{\"cniVersion\":\"0.4.0\",\"name\":\"n\",\"type\":\"bridge\"}");

        var status = _reporter.Status(verbose: true);

        Assert.True(Assert.Single(status.Status.Conditions, c => c.Type == "NetworkReady").Status);
        using var config = JsonDocument.Parse(status.Info["config"]);
        Assert.Equal(_config.Root, config.RootElement.GetProperty("root").GetString());
    }

    [Fact]
    public void Pod_cidr_is_validated_and_kept()
    {
        Assert.Throws<InvalidArgumentException>(() => _reporter.UpdateRuntimeConfig(Cidr("not-a-cidr")));

        _reporter.UpdateRuntimeConfig(Cidr("10.244.0.0/24,fd00::/64"));

        Assert.Contains("10.244.0.0/24,fd00::/64", _reporter.Status(verbose: true).Info["config"]);
    }

    [Fact]
    public void Runtime_config_reports_cgroupfs()
    {
        Assert.Equal(CgroupDriver.Cgroupfs, _reporter.RuntimeConfig().Linux.CgroupDriver);
    }

    private static UpdateRuntimeConfigRequest Cidr(string cidr) => new()
    {
        RuntimeConfig = new RuntimeConfig { NetworkConfig = new NetworkConfig { PodCidr = cidr } },
    };

    public void Dispose() => _dir.Dispose();
}
