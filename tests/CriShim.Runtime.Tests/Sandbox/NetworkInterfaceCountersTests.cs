using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Tests.Sandbox;

public sealed class NetworkInterfaceCountersTests
{
    // As a pod's /proc/<pid>/net/dev reads on Linux 6.1 (bridge CNI: eth0 is the pod end of a veth).
    private const string NetDev = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:     672       8    0    0    0     0          0         0      672       8    0    0    0     0       0          0
          eth0: 1234567    9876    3    1    0     0          0         0   765432    5432    2    0    0     0       0          0
        """;

    [Fact]
    public void Each_interface_gets_its_receive_and_transmit_bytes_and_errors()
    {
        var interfaces = NetworkInterfaceCounters.Parse(NetDev);

        Assert.Equal(
            [new("lo", 672, 0, 672, 0), new("eth0", 1234567, 3, 765432, 2)],
            interfaces);
    }

    [Fact]
    public void Headers_blank_lines_and_short_lines_are_passed_over()
    {
        Assert.Empty(NetworkInterfaceCounters.Parse("Inter-|   Receive\n face |bytes\n\n  eth0: 1 2 3\n"));
    }

    [Fact]
    public void Counters_past_32_bits_are_kept()
    {
        var line = "  eth0: 18446744073709551615 1 0 0 0 0 0 0 5000000000 1 0 0 0 0 0 0";

        var eth0 = Assert.Single(NetworkInterfaceCounters.Parse(line));

        Assert.Equal((ulong.MaxValue, 5_000_000_000UL), (eth0.RxBytes, eth0.TxBytes));
    }

    [Fact]
    public void A_process_that_is_gone_has_no_interfaces()
    {
        Assert.Empty(NetworkInterfaceCounters.ReadOf(int.MaxValue));
    }

    [Fact]
    public void The_own_process_sees_its_namespace_through_proc()
    {
        Assert.Contains(NetworkInterfaceCounters.ReadOf(Environment.ProcessId), i => i.Name == "lo");
    }
}
