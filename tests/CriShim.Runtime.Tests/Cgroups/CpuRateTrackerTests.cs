using CriShim.Runtime.Cgroups;

namespace CriShim.Runtime.Tests.Cgroups;

public sealed class CpuRateTrackerTests
{
    private const long Second = 1_000_000_000;

    [Fact]
    public void The_first_sample_has_no_rate_and_the_second_is_cores_times_a_billion()
    {
        var tracker = new CpuRateTracker();

        Assert.Null(tracker.Rate("a", 10 * Second, 1_000));
        Assert.Equal(500_000_000UL, tracker.Rate("a", 12 * Second, 1_000 + Second));
    }

    [Fact]
    public void Keys_are_independent_and_forgetting_starts_over()
    {
        var tracker = new CpuRateTracker();
        tracker.Rate("a", Second, 0);
        tracker.Rate("b", Second, 0);

        Assert.Equal(2_000_000_000UL, tracker.Rate("b", 2 * Second, 2 * Second));
        tracker.Forget("a");
        Assert.Null(tracker.Rate("a", 3 * Second, 3 * Second));
    }

    [Theory]
    [InlineData(5, 100, 5, 200)] // no time passed
    [InlineData(5, 100, 4, 200)] // clock went back
    [InlineData(5, 100, 6, 50)] // counter went back (a new cgroup under the same id)
    public void No_rate_when_time_or_usage_do_not_advance(long t1, ulong u1, long t2, ulong u2)
    {
        var tracker = new CpuRateTracker();
        tracker.Rate("a", t1 * Second, u1);

        Assert.Null(tracker.Rate("a", t2 * Second, u2));
    }
}
