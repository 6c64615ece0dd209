using System.Diagnostics;
using System.Text.Json;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests;

/// <summary>The daemon binary as the kubelet meets it: socket, Version, Status, RuntimeConfig, restarts.</summary>
public sealed class DaemonTests
{
    [RootFact]
    public async Task Version_reports_crishim_and_cri_v1()
    {
        await using var daemon = await DaemonProcess.StartAsync();

        var version = await daemon.Runtime.VersionAsync(new VersionRequest { Version = "v1" });

        Assert.Equal("crishim", version.RuntimeName);
        Assert.Equal("v1", version.RuntimeApiVersion);
        Assert.Equal("0.1.0", version.Version);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.RuntimeVersion);
    }

    [RootFact]
    public async Task Status_reports_network_not_ready_until_a_cni_config_exists()
    {
        await using var daemon = await DaemonProcess.StartAsync();

        var before = await daemon.Runtime.StatusAsync(new StatusRequest());
        Assert.True(Condition(before, "RuntimeReady").Status);
        var network = Condition(before, "NetworkReady");
        Assert.False(network.Status);
        Assert.Equal("NetworkPluginNotReady", network.Reason);
        Assert.Contains(daemon.CniConfDir, network.Message);
        Assert.Empty(before.Info);

        await File.WriteAllTextAsync(Path.Combine(daemon.CniConfDir, "10-test.conflist"),
            """{"cniVersion":"1.0.0","name":"test","plugins":[{"type":"loopback"}]}""");
        var after = await daemon.Runtime.StatusAsync(new StatusRequest { Verbose = true });

        Assert.True(Condition(after, "NetworkReady").Status);
        using var config = JsonDocument.Parse(after.Info["config"]);
        Assert.Equal(daemon.Socket, config.RootElement.GetProperty("listen").GetString());
        Assert.Equal(daemon.Root, config.RootElement.GetProperty("root").GetString());
        Assert.Equal("cgroupfs", config.RootElement.GetProperty("cgroupDriver").GetString());
        Assert.EndsWith("10-test.conflist", config.RootElement.GetProperty("cniConfig").GetString());
    }

    [RootFact]
    public async Task RuntimeConfig_reports_the_cgroupfs_driver()
    {
        await using var daemon = await DaemonProcess.StartAsync();

        var config = await daemon.Runtime.RuntimeConfigAsync(new RuntimeConfigRequest());

        Assert.Equal(CgroupDriver.Cgroupfs, config.Linux.CgroupDriver);
    }

    [RootFact]
    public async Task Pod_cidr_survives_a_restart_and_a_bad_one_is_refused()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var bad = await Assert.ThrowsAsync<RpcException>(async () => await daemon.Runtime.UpdateRuntimeConfigAsync(PodCidr("10.1.0.0/33")));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);

        await daemon.Runtime.UpdateRuntimeConfigAsync(PodCidr("10.244.1.0/24"));
        await daemon.RestartAsync();

        var status = await daemon.Runtime.StatusAsync(new StatusRequest { Verbose = true });
        using var config = JsonDocument.Parse(status.Info["config"]);
        Assert.Equal("10.244.1.0/24", config.RootElement.GetProperty("podCidr").GetString());
    }

    [RootFact]
    public async Task A_corrupt_record_is_quarantined_and_the_daemon_still_starts()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        await daemon.Runtime.UpdateRuntimeConfigAsync(PodCidr("10.244.2.0/24"));
        await daemon.StopAsync();
        var record = Path.Combine(daemon.Root, "runtime", "runtime.json");
        await File.WriteAllTextAsync(record, "{\"schemaVersion\":1,\"record\":{\"podCidr\":");
        await File.WriteAllTextAsync(record + ".123.abc.tmp", "torn");

        await daemon.StartAsync();

        var status = await daemon.Runtime.StatusAsync(new StatusRequest { Verbose = true });
        Assert.Contains("\"podCidr\":\"\"", status.Info["config"]);
        Assert.Single(Directory.GetFiles(Path.Combine(daemon.Root, "runtime", "quarantine")));
        Assert.False(File.Exists(record + ".123.abc.tmp"));
        Assert.Contains("quarantine", daemon.Log);
    }

    [RootFact]
    public async Task The_socket_is_0660_root_owned()
    {
        await using var daemon = await DaemonProcess.StartAsync();

        var mode = File.GetUnixFileMode(daemon.Socket);
        var stat = await Shell.Run("stat", "-c", "%U:%G %F", daemon.Socket);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, mode);
        Assert.Equal("root:root socket", stat.Trim());
    }

    [RootFact]
    public async Task A_second_daemon_on_a_live_socket_is_refused()
    {
        await using var daemon = await DaemonProcess.StartAsync();

        var (code, output) = await Shell.TryRunBinary("crishim", "--listen", daemon.Socket, "--root", daemon.Root + "2", "--state", daemon.State + "2");

        Assert.Equal(2, code);
        Assert.Contains("already listening", output);
        Assert.True((await daemon.Runtime.VersionAsync(new VersionRequest())).RuntimeName == "crishim");
    }

    [RootFact]
    public async Task A_stale_socket_from_a_crash_is_replaced()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        Process.GetProcessById(daemon.Pid).Kill();
        await Task.Delay(200);
        Assert.True(File.Exists(daemon.Socket));

        await daemon.StartAsync();

        Assert.Equal("crishim", (await daemon.Runtime.VersionAsync(new VersionRequest())).RuntimeName);
    }

    [RootFact]
    public async Task Sigterm_stops_the_daemon_cleanly()
    {
        await using var daemon = await DaemonProcess.StartAsync();

        Assert.Equal(0, await daemon.StopAsync());
        Assert.Contains("containers were left running", daemon.Log);
    }

    [RootFact]
    public async Task Config_file_values_apply_and_flags_override_them()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        await daemon.StopAsync();
        await File.WriteAllTextAsync(daemon.ConfigFile, """
            stream_address = "127.0.0.1:10010"
            cni_bin_dir = ["/opt/a", "/opt/b"]
            log_level = "warn"
            """);

        await daemon.StartAsync();

        var status = await daemon.Runtime.StatusAsync(new StatusRequest { Verbose = true });
        using var config = JsonDocument.Parse(status.Info["config"]);
        Assert.Equal("127.0.0.1:10010", config.RootElement.GetProperty("streamAddress").GetString());
        Assert.Equal(["/opt/a", "/opt/b"], config.RootElement.GetProperty("cniBinDir").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("debug", config.RootElement.GetProperty("logLevel").GetString());
    }

    [RootFact]
    public async Task A_bad_config_file_stops_the_daemon_with_a_clear_message()
    {
        var work = Directory.CreateTempSubdirectory("crishim-test-").FullName;
        try
        {
            var config = Path.Combine(work, "crishim.toml");
            await File.WriteAllTextAsync(config, "listen = \"relative.sock\"\n");

            var (code, output) = await Shell.TryRunBinary("crishim", "--config", config);

            Assert.Equal(2, code);
            Assert.Contains("listen must be an absolute path", output);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static UpdateRuntimeConfigRequest PodCidr(string cidr) => new()
    {
        RuntimeConfig = new RuntimeConfig { NetworkConfig = new NetworkConfig { PodCidr = cidr } },
    };

    private static RuntimeCondition Condition(StatusResponse status, string type) =>
        Assert.Single(status.Status.Conditions, c => c.Type == type);
}
