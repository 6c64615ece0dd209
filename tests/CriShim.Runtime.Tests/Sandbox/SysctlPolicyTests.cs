using CriShim.Native;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Tests.Sandbox;

public sealed class SysctlPolicyTests
{
    private const NamespaceKinds PodNetworkAndIpc = NamespaceKinds.Network | NamespaceKinds.Uts | NamespaceKinds.Ipc;

    [Theory]
    [InlineData("net.ipv4.ip_forward")]
    [InlineData("kernel.shm_rmid_forced")]
    [InlineData("kernel.msgmax")]
    [InlineData("kernel.sem")]
    [InlineData("fs.mqueue.msg_max")]
    public void Namespaced_sysctls_are_allowed_in_the_pods_own_namespaces(string name) =>
        Assert.Equal("1", SysctlPolicy.Check(new Dictionary<string, string> { [name] = "1" }, PodNetworkAndIpc)[name]);

    [Theory]
    [InlineData("net.ipv4.ip_forward", NamespaceKinds.Ipc, "host network")]
    [InlineData("kernel.shm_rmid_forced", NamespaceKinds.Network | NamespaceKinds.Uts, "host IPC")]
    [InlineData("kernel.panic", PodNetworkAndIpc, "not namespaced")]
    [InlineData("vm.swappiness", PodNetworkAndIpc, "not namespaced")]
    [InlineData("kernel.semx", PodNetworkAndIpc, "not namespaced")]
    public void Sysctls_that_would_touch_the_node_are_invalid(string name, NamespaceKinds pod, string reason)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => SysctlPolicy.Check(new Dictionary<string, string> { [name] = "1" }, pod));
        Assert.Contains(name, error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData("net.ipv4.ip_forward", "net.ipv4.ip_forward")]
    [InlineData("net/ipv4/ip_forward", "net.ipv4.ip_forward")]
    [InlineData("net/ipv4/conf/eth0.100/forwarding", "net.ipv4.conf.eth0/100.forwarding")]
    [InlineData("net.ipv4.conf.eth0/100.forwarding", "net.ipv4.conf.eth0/100.forwarding")]
    public void Slash_separated_names_become_dotted(string name, string dotted) => Assert.Equal(dotted, SysctlPolicy.ToDotted(name));

    [Theory]
    [InlineData("net.//.vm.swappiness")]
    [InlineData("net/../vm/swappiness")]
    [InlineData("net.ipv4/../../vm.swappiness")]
    [InlineData("net.ipv4.conf.all/../../../vm/swappiness")]
    [InlineData("net..ipv4.ip_forward")]
    [InlineData("net.ipv4.ip_forward.")]
    [InlineData("/net.ipv4.ip_forward")]
    [InlineData("net.ipv4.-ip_forward")]
    [InlineData("net.ipv4.IP_FORWARD")]
    [InlineData("net.ipv4.ip forward")]
    [InlineData("kernel.shm_rmid_forced\n")]
    public void Names_outside_the_kubernetes_syntax_are_invalid(string name)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => SysctlPolicy.Check(new Dictionary<string, string> { [name] = "1" }, PodNetworkAndIpc));
        Assert.Contains("malformed", error.Message);
    }

    [Fact]
    public void Names_longer_than_kubernetes_allows_are_invalid() =>
        Assert.Throws<InvalidArgumentException>(() => SysctlPolicy.Check(
            new Dictionary<string, string> { ["net.ipv4.conf." + new string('a', 240) + ".forwarding"] = "1" }, PodNetworkAndIpc));

    [Theory]
    [InlineData("net.ipv4.conf.eth0/100.forwarding")]
    [InlineData("net/ipv4/conf/eth0.100/forwarding")]
    [InlineData("net.ipv6.conf.all.disable_ipv6")]
    [InlineData("net.ipv4.ping_group_range")]
    public void Names_in_the_kubernetes_syntax_are_valid(string name) =>
        Assert.Single(SysctlPolicy.Check(new Dictionary<string, string> { [name] = "1" }, PodNetworkAndIpc));
}
