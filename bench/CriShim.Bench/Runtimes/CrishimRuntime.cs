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
    private string RuntimeHelper => Path.Combine(binDir, "crishim-runtime");

    protected override async Task<ProcessStartInfo> PrepareAsync(string sandboxImage, string registryHost)
    {
        var config = Path.Combine(Directory, "crishim.toml");
        var registries = Path.Combine(Directory, "registries.conf");
        await File.WriteAllTextAsync(config, "# written by crishim-bench; everything is given as flags\n");
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
                "--config", config,
                "--listen", Socket,
                "--root", Path.Combine(Directory, "root"),
                "--state", Path.Combine(Directory, "state"),
                "--cni-conf-dir", Path.Combine(Directory, "net.d"),
                "--registries-conf", registries,
                "--log-level", "info",
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
