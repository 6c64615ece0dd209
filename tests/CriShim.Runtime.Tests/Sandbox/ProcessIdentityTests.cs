using CriShim.Native;

namespace CriShim.Runtime.Tests.Sandbox;

public sealed class ProcessIdentityTests
{
    private const string Tail = "4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 424242 23 24";

    [Fact]
    public void The_start_time_is_field_22_even_when_the_name_has_spaces_and_parentheses() =>
        Assert.Equal(new ProcessIdentity(7, 424242), ProcessIdentity.Parse(7, $"7 (a (b) c) S {Tail}"));

    [Fact]
    public void A_zombie_is_no_process() => Assert.Null(ProcessIdentity.Parse(7, $"7 (pause) Z {Tail}"));

    [Fact]
    public void This_process_is_alive_and_a_different_start_time_is_not()
    {
        var self = ProcessIdentity.Find(Environment.ProcessId)!.Value;
        Assert.True(self.IsAlive);
        Assert.False((self with { StartTime = self.StartTime + 1 }).IsAlive);
    }
}
