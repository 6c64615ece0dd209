using CriShim.Api.Hosting;
using CriShim.Runtime.Configuration;

namespace CriShim.Api.Tests.Hosting;

public sealed class ConfigReloadTests
{
    [Fact]
    public void Log_level_and_cni_dir_apply_at_once_and_other_keys_wait_for_a_restart()
    {
        var current = new DaemonConfig();
        var next = current with { LogLevel = "debug", CniConfDir = "/etc/cni/other", Root = "/srv/crishim", MaxConcurrentDownloads = 6 };

        var changes = ConfigReload.Changes(current, next);

        Assert.Equal(
            [("cni_conf_dir", true, "/etc/cni/other"), ("log_level", true, "debug"), ("max_concurrent_downloads", false, "6"), ("root", false, "/srv/crishim")],
            changes.OrderBy(c => c.Key));
    }

    [Fact]
    public void The_same_configuration_changes_nothing() =>
        Assert.Empty(ConfigReload.Changes(new DaemonConfig(), new DaemonConfig() with { CniBinDirs = ["/opt/cni/bin", "/usr/lib/cni"] }));
}
