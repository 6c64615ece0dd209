using System.Diagnostics;
using CriShim.Bench.Host;

namespace CriShim.Bench.Runtimes;

/// <summary>
/// <c>out/bin/crishim</c> with private --listen/--root/--state/--cni-conf-dir/--registries-conf.
/// Its processes: the daemon, and <c>crishim-runtime</c> instances (pause, monitors) that live in
/// its pods' cgroups or name its directory.
/// </summary>
public sealed class CrishimRuntime(string binDir, string directory, BenchNetwork network, string cgroupRoot)
    : BenchRuntime("crishim", directory, network, cgroupRoot)
{
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(10);

    private string RuntimeHelper => Path.Combine(binDir, "crishim-runtime");

    private string ConfigFile => Path.Combine(Directory, "crishim.toml");

    /// <summary>
    /// Switches the running daemon's log level as an operator does: the configuration file, then SIGHUP. Returns once the
    /// daemon logged the reload, so every line it logged before is in <see cref="BenchRuntime.Log"/> too.
    /// </summary>
    public async Task SetLogLevelAsync(string level, CancellationToken cancel)
    {
        var reloaded = Log.NextLine(line => line.Contains("configuration reloaded", StringComparison.Ordinal));
        await File.WriteAllTextAsync(ConfigFile, Config(level), cancel);
        if (Tmds.Linux.LibC.kill(DaemonPid, Tmds.Linux.LibC.SIGHUP) != 0)
        {
            throw new InvalidOperationException($"SIGHUP to crishim (pid {DaemonPid}) failed");
        }
        await reloaded.WaitAsync(ReloadTimeout, cancel);
    }

    /// <summary>The level is the file's, so SIGHUP can change it; everything else is given as flags.</summary>
    private static string Config(string level) => $"# written by crishim-bench; everything but the log level is given as flags\nlog_level = \"{level}\"\n";

    protected override async Task<ProcessStartInfo> PrepareAsync(string sandboxImage, string registryHost)
    {
        var registries = Path.Combine(Directory, "registries.conf");
        await File.WriteAllTextAsync(ConfigFile, Config("info"));
        await File.WriteAllTextAsync(registries, $"""
            # The bench images are named after the local registry, which speaks plain HTTP.
            [[registry]]
            location = "{registryHost}"
            insecure = true
            """);
        return new ProcessStartInfo(Path.Combine(binDir, "crishim"))
        {
            ArgumentList =
            {
                "--config", ConfigFile,
                "--listen", Socket,
                "--root", Path.Combine(Directory, "root"),
                "--state", Path.Combine(Directory, "state"),
                "--cni-conf-dir", Path.Combine(Directory, "net.d"),
                "--registries-conf", registries,
            },
        };
    }

    public override IReadOnlyList<HostProcess> RuntimeProcesses(IReadOnlyList<HostProcess> all)
    {
        var daemon = DaemonPid;
        // Pause runs confined as /pause (the helper bind-mounted into its own root), so its exe is not the helper's path.
        return all.Where(p => p.Pid == daemon
                || (p.Executable == RuntimeHelper && (p.Mentions(Directory) || p.Cgroups.Contains($":{CgroupSubtree}/", StringComparison.Ordinal)))
                || (p.CommandLine is [_, "pause-confined", ..] && p.Cgroups.Contains($":{CgroupSubtree}/", StringComparison.Ordinal)))
            .ToList();
    }
}
