using CriShim.Runtime.Configuration;

namespace CriShim.Runtime.Tests.Configuration;

public sealed class RuntimeHandlerConfigTests
{
    private static readonly IReadOnlyDictionary<string, string> NoFlags = new Dictionary<string, string>();

    private static DaemonConfig Load(string toml) => DaemonConfigLoader.Build(toml, "/x.toml", NoFlags);

    [Fact]
    public void Without_runtimes_tables_there_are_no_extra_handlers()
    {
        Assert.Empty(Load("log_level = \"info\"").RuntimeHandlers);
    }

    [Fact]
    public void Each_runtimes_table_is_a_handler_with_its_options()
    {
        var config = Load("""
            log_level = "debug"

            [runtimes.hardened]
            default_seccomp_profile = "runtime/default"

            [runtimes.other-helper]
            runtime_path = "/opt/crishim/crishim-runtime"
            default_seccomp_profile = "localhost//etc/crishim/strict.json"

            [runtimes.plain]
            """);

        Assert.Equal("debug", config.LogLevel);
        Assert.Equal(
            [
                new RuntimeHandlerConfig("hardened", null, "runtime/default"),
                new RuntimeHandlerConfig("other-helper", "/opt/crishim/crishim-runtime", "localhost//etc/crishim/strict.json"),
                new RuntimeHandlerConfig("plain", null, null),
            ],
            config.RuntimeHandlers);
    }

    [Theory]
    [InlineData("[runtimes.Upper]", "not a DNS label")]
    [InlineData("[runtimes.\"\"]", "not a DNS label")]
    [InlineData("[runtimes.a_b]", "not a DNS label")]
    [InlineData("runtimes = \"x\"", "must be a table")]
    [InlineData("[runtimes]\nfast = 1", "[runtimes.fast] must be a table")]
    [InlineData("[runtimes.fast]\nruntime_path = \"bin/helper\"", "runtimes.fast.runtime_path must be an absolute path")]
    [InlineData("[runtimes.fast]\nruntime_path = 3", "runtimes.fast.runtime_path must be a string")]
    [InlineData("[runtimes.fast]\ndefault_seccomp_profile = \"localhost/rel.json\"", "is not unconfined, runtime/default or localhost/<absolute path>")]
    [InlineData("[runtimes.fast]\ndefault_seccomp_profile = \"docker/strict\"", "is not unconfined, runtime/default or localhost/<absolute path>")]
    [InlineData("[runtimes.fast]\nruntime_type = \"io.containerd.runc.v2\"", "unknown key 'runtime_type' in [runtimes.fast]")]
    public void Bad_tables_stop_the_daemon_with_a_message_naming_the_key(string toml, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Load(toml));

        Assert.StartsWith("/x.toml: ", e.Message);
        Assert.Contains(message, e.Message);
    }
}
