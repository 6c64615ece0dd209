using CriShim.Runtime.Configuration;

namespace CriShim.Runtime.Tests.Configuration;

public sealed class DaemonConfigLoaderTests
{
    private static readonly IReadOnlyDictionary<string, string> NoFlags = new Dictionary<string, string>();

    [Fact]
    public void Defaults_match_the_documented_paths()
    {
        var config = DaemonConfigLoader.Build(null, DaemonConfig.DefaultConfigPath, NoFlags);

        Assert.Equal("/run/crishim/crishim.sock", config.Listen);
        Assert.Equal("/var/lib/crishim", config.Root);
        Assert.Equal("/run/crishim", config.State);
        Assert.Equal("/etc/containers/registries.conf", config.RegistriesConf);
        Assert.Equal("/etc/cni/net.d", config.CniConfDir);
        Assert.Equal(["/opt/cni/bin", "/usr/lib/cni"], config.CniBinDirs);
        Assert.Equal("127.0.0.1:0", config.StreamAddress);
        Assert.Equal("cgroupfs", config.CgroupDriver);
        Assert.Equal("info", config.LogLevel);
        Assert.Null(config.MetricsAddress);
    }

    [Fact]
    public void Metrics_address_comes_from_the_toml_key_or_the_flag_and_empty_turns_it_off()
    {
        var fromFile = DaemonConfigLoader.Build("metrics_address = \"127.0.0.1:9090\"", "/x.toml", NoFlags);
        var fromFlag = DaemonConfigLoader.Build("metrics_address = \"127.0.0.1:9090\"", "/x.toml", DaemonConfigLoader.ParseFlags(["--metrics-address", "0.0.0.0:9191"]));
        var off = DaemonConfigLoader.Build("metrics_address = \"127.0.0.1:9090\"", "/x.toml", DaemonConfigLoader.ParseFlags(["--metrics-address="]));

        Assert.Equal("127.0.0.1:9090", fromFile.MetricsAddress);
        Assert.Equal("0.0.0.0:9191", fromFlag.MetricsAddress);
        Assert.Null(off.MetricsAddress);
    }

    [Fact]
    public void Toml_keys_set_values_and_flags_win()
    {
        const string toml = """
            listen = "/tmp/a.sock"
            root = "/srv/crishim"
            cni_bin_dir = ["/a", "/b"]
            stream_address = "0.0.0.0:10010"
            log_level = "warn"
            """;
        var flags = DaemonConfigLoader.ParseFlags(["--listen=unix:///tmp/b.sock", "--log-level", "debug"]);

        var config = DaemonConfigLoader.Build(toml, "/x.toml", flags);

        Assert.Equal("/tmp/b.sock", config.Listen);
        Assert.Equal("/srv/crishim", config.Root);
        Assert.Equal(["/a", "/b"], config.CniBinDirs);
        Assert.Equal("0.0.0.0:10010", config.StreamAddress);
        Assert.Equal("debug", config.LogLevel);
    }

    [Fact]
    public void Cni_bin_dir_flag_splits_on_colons()
    {
        var config = DaemonConfigLoader.Build(null, "/x", DaemonConfigLoader.ParseFlags(["--cni-bin-dir", "/opt/cni/bin:/usr/lib/cni:/x"]));

        Assert.Equal(["/opt/cni/bin", "/usr/lib/cni", "/x"], config.CniBinDirs);
    }

    [Theory]
    [InlineData("--bogus", "x", "unknown flag --bogus")]
    [InlineData("--root", "relative", "root must be an absolute path")]
    [InlineData("--cgroup-driver", "systemd", "only 'cgroupfs'")]
    [InlineData("--log-level", "loud", "log level 'loud'")]
    [InlineData("--stream-address", "localhost", "not ADDR:PORT")]
    [InlineData("--metrics-address", "9090", "metrics address '9090' is not ADDR:PORT")]
    [InlineData("--metrics-address", "127.0.0.1:0", "a port above 0")]
    public void Bad_flags_are_refused_with_the_reason(string flag, string value, string message)
    {
        var error = Assert.Throws<ConfigException>(() =>
            DaemonConfigLoader.Build(null, "/x", DaemonConfigLoader.ParseFlags([flag, value])));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_flag_without_a_value_is_refused()
    {
        var error = Assert.Throws<ConfigException>(() => DaemonConfigLoader.ParseFlags(["--root"]));

        Assert.Contains("--root needs a value", error.Message);
    }

    [Theory]
    [InlineData("unknown_key = \"x\"", "unknown key 'unknown_key'")]
    [InlineData("root = true", "key 'root' must be a string or a number")]
    [InlineData("root = 5", "root must be an absolute path")]
    [InlineData("image_pull_progress_timeout = \"5 minutes\"", "not a duration")]
    [InlineData("image_pull_progress_timeout = \"-5m\"", "not a duration")]
    [InlineData("max_concurrent_downloads = 0", "not a number from 1 to 64")]
    [InlineData("root = ", "/etc/x.toml")]
    public void Bad_toml_is_refused_naming_the_file(string toml, string message)
    {
        var error = Assert.Throws<ConfigException>(() => DaemonConfigLoader.Build(toml, "/etc/x.toml", NoFlags));

        Assert.Contains(message, error.Message);
        Assert.StartsWith("/etc/x.toml", error.Message);
    }

    [Fact]
    public void A_missing_explicit_config_file_is_an_error()
    {
        var error = Assert.Throws<ConfigException>(() => DaemonConfigLoader.Load(["--config", "/nonexistent/crishim.toml"]));

        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void Usage_names_every_flag()
    {
        var usage = DaemonConfigLoader.Usage();

        foreach (var flag in new[] { "--config", "--listen", "--root", "--state", "--registries-conf", "--cni-conf-dir", "--cni-bin-dir", "--stream-address", "--cgroup-driver", "--log-level", "--metrics-address", "--image-pull-progress-timeout", "--max-concurrent-downloads" })
        {
            Assert.Contains(flag, usage);
        }
    }

    [Fact]
    public void Pull_settings_default_as_containerd_and_come_from_the_file_or_flags()
    {
        var defaults = DaemonConfigLoader.Build(null, "/x.toml", NoFlags);
        var fromFile = DaemonConfigLoader.Build("image_pull_progress_timeout = \"1m30s\"\nmax_concurrent_downloads = 5", "/x.toml", NoFlags);
        var fromFlag = DaemonConfigLoader.Build("image_pull_progress_timeout = \"1m30s\"", "/x.toml",
            DaemonConfigLoader.ParseFlags(["--image-pull-progress-timeout", "0"]));

        Assert.Equal(TimeSpan.FromMinutes(5), defaults.ImagePullProgressTimeout);
        Assert.Equal(3, defaults.MaxConcurrentDownloads);
        Assert.Equal(TimeSpan.FromSeconds(90), fromFile.ImagePullProgressTimeout);
        Assert.Equal(5, fromFile.MaxConcurrentDownloads);
        Assert.Equal(TimeSpan.Zero, fromFlag.ImagePullProgressTimeout);
    }

    [Theory]
    [InlineData("5m", 300_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("250ms", 250)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2h", 7_200_000)]
    [InlineData("0", 0)]
    public void Durations_are_read_as_go_writes_them_and_written_back_the_same(string text, long milliseconds)
    {
        var parsed = Duration.Parse("x", text);

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), parsed);
        Assert.Equal(parsed, Duration.Parse("x", Duration.Format(parsed)));
    }
}
