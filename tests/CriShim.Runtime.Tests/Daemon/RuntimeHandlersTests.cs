using CriShim.Protocol.V1;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Tests.Daemon;

public sealed class RuntimeHandlersTests
{
    private static readonly RuntimeHelperBinary Beside = new("/usr/bin/crishim-runtime");

    private static readonly RuntimeHandlers Handlers = new(new DaemonConfig
    {
        RuntimeHandlers =
        [
            new RuntimeHandlerConfig("strict", null, "runtime/default"),
            new RuntimeHandlerConfig("alt", "/opt/alt/crishim-runtime", "localhost//etc/p.json"),
        ],
    }, Beside);

    [Fact]
    public void The_default_handler_comes_first_then_the_configured_ones_by_name()
    {
        Assert.Equal(["", "alt", "strict"], Handlers.All.Select(h => h.Name));
    }

    [Fact]
    public void Options_default_to_the_helper_beside_the_daemon_and_no_seccomp_profile()
    {
        Assert.Equal(Beside, Handlers.Resolve("").Helper);
        Assert.Null(Handlers.Resolve("").DefaultSeccomp);
        Assert.Equal(Beside, Handlers.Resolve("strict").Helper);
        Assert.Equal(SecurityProfile.Types.ProfileType.RuntimeDefault, Handlers.Resolve("strict").DefaultSeccomp!.ProfileType);
        Assert.Equal("/opt/alt/crishim-runtime", Handlers.Resolve("alt").Helper.Path);
        Assert.Equal("/etc/p.json", Handlers.Resolve("alt").DefaultSeccomp!.LocalhostRef);
    }

    [Fact]
    public void An_unknown_handler_is_not_found_and_names_the_known_ones()
    {
        var e = Assert.Throws<NotFoundException>(() => Handlers.Resolve("kata"));

        Assert.Contains("'kata'", e.Message);
        Assert.Contains("\"\" (default), alt, strict", e.Message);
    }

    [Fact]
    public void A_pod_recorded_under_a_handler_no_longer_configured_keeps_working_with_the_default()
    {
        Assert.Equal(Beside, Handlers.Of("removed-since").Helper);
    }
}
