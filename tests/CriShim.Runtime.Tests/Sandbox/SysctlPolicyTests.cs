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
}
