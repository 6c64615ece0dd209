using CriShim.Protocol.V1;

namespace CriShim.Runtime.Cgroups;

/// <summary>The CRI messages for a cgroup's CPU and memory use, the same for containers and pods.</summary>
public static class CriUsage
{
    /// <param name="nanoCores">the rate since the previous sample (<see cref="CpuRateTracker"/>); null for the first one</param>
    public static CpuUsage Cpu(CgroupStats usage, long timestamp, ulong? nanoCores)
    {
        var cpu = new CpuUsage { Timestamp = timestamp, UsageCoreNanoSeconds = new UInt64Value { Value = usage.CpuUsageNanoseconds } };
        if (nanoCores is { } rate)
        {
            cpu.UsageNanoCores = new UInt64Value { Value = rate };
        }
        if (usage.CpuPressure is { } pressure)
        {
            cpu.Psi = Psi(pressure);
        }
        return cpu;
    }

    public static MemoryUsage Memory(CgroupStats usage, long timestamp)
    {
        var memory = new MemoryUsage
        {
            Timestamp = timestamp,
            WorkingSetBytes = new UInt64Value { Value = usage.WorkingSetBytes },
            UsageBytes = new UInt64Value { Value = usage.MemoryUsageBytes },
            RssBytes = new UInt64Value { Value = usage.RssBytes },
            PageFaults = new UInt64Value { Value = usage.PageFaults },
            MajorPageFaults = new UInt64Value { Value = usage.MajorPageFaults },
        };
        if (usage.AvailableBytes is { } available)
        {
            memory.AvailableBytes = new UInt64Value { Value = available };
        }
        if (usage.MemoryPressure is { } pressure)
        {
            memory.Psi = Psi(pressure);
        }
        return memory;
    }

    /// <summary>IO stalls; null where the kernel reports none (cgroup v1), as the CRI's only IO field is PSI.</summary>
    public static IoUsage? Io(CgroupStats usage, long timestamp) =>
        usage.IoPressure is { } pressure ? new IoUsage { Timestamp = timestamp, Psi = Psi(pressure) } : null;

    /// <summary>The CRI's totals are nanoseconds; the kernel's are microseconds.</summary>
    public static PsiStats Psi(PressureStats pressure) => new() { Some = Data(pressure.Some), Full = Data(pressure.Full) };

    private static PsiData Data(PressureLine line) => new()
    {
        Total = line.TotalMicroseconds * 1000,
        Avg10 = line.Avg10,
        Avg60 = line.Avg60,
        Avg300 = line.Avg300,
    };
}
