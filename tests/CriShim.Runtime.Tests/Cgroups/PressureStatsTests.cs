using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Cgroups.V2;

namespace CriShim.Runtime.Tests.Cgroups;

public sealed class PressureStatsTests
{
    private const string Memory = """
        some avg10=1.50 avg60=0.25 avg300=0.05 total=123456
        full avg10=0.75 avg60=0.10 avg300=0.00 total=6789

        """;

    [Fact]
    public void Some_and_full_lines_parse_with_their_totals_in_microseconds()
    {
        var pressure = PressureStats.Parse(Memory);

        Assert.Equal(new PressureLine(1.5, 0.25, 0.05, 123456), pressure!.Some);
        Assert.Equal(new PressureLine(0.75, 0.10, 0.0, 6789), pressure.Full);
    }

    [Fact]
    public void A_file_with_only_some_has_a_zero_full_line_and_one_without_some_is_none()
    {
        Assert.Equal(new PressureLine(0, 0, 0, 0), PressureStats.Parse("some avg10=0.00 avg60=0.00 avg300=0.00 total=5")!.Full);
        Assert.Null(PressureStats.Parse(""));
        Assert.Null(PressureStats.Parse("some avg10=x"));
    }

    [Fact]
    public void The_cri_totals_are_nanoseconds()
    {
        var psi = CriUsage.Psi(PressureStats.Parse(Memory)!);

        Assert.Equal(123_456_000UL, psi.Some.Total);
        Assert.Equal(6_789_000UL, psi.Full.Total);
        Assert.Equal(1.5, psi.Some.Avg10);
        Assert.Equal(0.25, psi.Some.Avg60);
        Assert.Equal(0.05, psi.Some.Avg300);
    }

    [Fact]
    public void Cgroup_v2_stats_carry_cpu_memory_and_io_pressure_into_the_cri_messages()
    {
        var stats = CgroupV2Stats.Parse("usage_usec 10", "anon 1\n", "100", "max", null, null,
            ("some avg10=2.00 avg60=0.00 avg300=0.00 total=10\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0", Memory, "some avg10=0.00 avg60=0.00 avg300=0.00 total=7\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=3"));

        Assert.Equal(10_000UL, CriUsage.Cpu(stats, 1, null).Psi.Some.Total);
        Assert.Equal(2.0, CriUsage.Cpu(stats, 1, null).Psi.Some.Avg10);
        Assert.Equal(6_789_000UL, CriUsage.Memory(stats, 1).Psi.Full.Total);
        var io = CriUsage.Io(stats, 1)!;
        Assert.Equal((7_000UL, 3_000UL), (io.Psi.Some.Total, io.Psi.Full.Total));
    }

    [Fact]
    public void Without_pressure_files_the_cri_messages_have_no_psi_and_no_io()
    {
        var stats = CgroupV2Stats.Parse("usage_usec 10", "", "0", "max", null, null);

        Assert.Null(CriUsage.Cpu(stats, 1, null).Psi);
        Assert.Null(CriUsage.Memory(stats, 1).Psi);
        Assert.Null(CriUsage.Io(stats, 1));
    }
}
