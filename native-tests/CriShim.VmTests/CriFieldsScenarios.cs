using CriShim.Protocol.V1;
using static CriShim.VmTests.CgroupV2Host;

namespace CriShim.VmTests;

/// <summary>
/// The CRI 1.30-1.35 stats fields that only a cgroup v2 host fills in from the controllers' own files: pressure stall
/// information (cpu, memory, io) in container and pod stats, and swap.
/// </summary>
internal static class CriFieldsScenarios
{
    public static IEnumerable<VmTestCase> All =>
    [
        new("PSI: two burners on one CPU stall each other; cpu, memory and io pressure and swap in the stats are the cgroup files'", PressureAndSwap),
    ];

    private static async Task PressureAndSwap(VmDaemon daemon)
    {
        var pod = await Pod.RunAsync(daemon, "psi");
        try
        {
            var oneCpu = new LinuxContainerResources { CpusetCpus = "0" };
            var first = await pod.StartAsync("burner1", ["sh", "-c", "while true; do :; done"], oneCpu);
            await pod.StartAsync("burner2", ["sh", "-c", "while true; do :; done"], oneCpu.Clone());
            var cgroup = CgroupOf(await first.PidAsync());
            var podCgroup = Path.Combine(Root, pod.CgroupParent.TrimStart('/'));
            await Task.Delay(TimeSpan.FromSeconds(3));

            ulong Total(string directory, string file, string line) => ulong.Parse(File.ReadAllLines(Path.Combine(directory, file))
                .Single(l => l.StartsWith(line + " ", StringComparison.Ordinal)).Split("total=")[1]) * 1000;
            var cpuBefore = Total(cgroup, "cpu.pressure", "some");
            var memoryBefore = Total(cgroup, "memory.pressure", "some");
            var ioBefore = Total(cgroup, "io.pressure", "some");
            var podCpuBefore = Total(podCgroup, "cpu.pressure", "some");
            var stats = (await daemon.Runtime.ContainerStatsAsync(new ContainerStatsRequest { ContainerId = first.Id })).Stats;
            var podStats = (await pod.StatsAsync()).Linux;
            var cpuAfter = Total(cgroup, "cpu.pressure", "some");
            var memoryAfter = Total(cgroup, "memory.pressure", "some");
            var ioAfter = Total(cgroup, "io.pressure", "some");
            var podCpuAfter = Total(podCgroup, "cpu.pressure", "some");
            var swapCurrent = File.Exists(Path.Combine(cgroup, "memory.swap.current")) ? ulong.Parse(Read(cgroup, "memory.swap.current")) : 0;

            Check.True(stats.Cpu.Psi is not null && stats.Memory.Psi is not null && stats.Io?.Psi is not null, "container stats carry cpu, memory and io PSI");
            Check.True(stats.Cpu.Psi!.Some.Total > 0, $"a burner sharing CPU 0 with another stalled: cpu some total {stats.Cpu.Psi.Some.Total} ns");
            Check.True(stats.Cpu.Psi.Some.Total >= cpuBefore && stats.Cpu.Psi.Some.Total <= cpuAfter,
                $"cpu some total {stats.Cpu.Psi.Some.Total} ns lies between cpu.pressure read before ({cpuBefore}) and after ({cpuAfter})");
            Check.True(stats.Cpu.Psi.Some.Avg10 > 0, $"cpu some avg10 {stats.Cpu.Psi.Some.Avg10} % is above zero under contention");
            Check.True(stats.Memory.Psi!.Some.Total >= memoryBefore && stats.Memory.Psi.Some.Total <= memoryAfter, "memory some total is memory.pressure's");
            Check.True(stats.Io!.Psi.Some.Total >= ioBefore && stats.Io.Psi.Some.Total <= ioAfter, "io some total is io.pressure's");
            Check.True(podStats.Cpu.Psi is not null && podStats.Memory.Psi is not null && podStats.Io?.Psi is not null, "pod stats carry cpu, memory and io PSI");
            Check.True(podStats.Cpu.Psi!.Some.Total >= podCpuBefore && podStats.Cpu.Psi.Some.Total <= podCpuAfter,
                $"pod cpu some total {podStats.Cpu.Psi.Some.Total} ns is the pod cgroup's ({podCpuBefore}..{podCpuAfter})");
            Check.Equal(swapCurrent, stats.Swap.SwapUsageBytes.Value, "swap usage is memory.swap.current");
        }
        finally
        {
            await pod.RemoveAsync();
        }
    }
}
