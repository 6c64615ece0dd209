using CriShim.Contract;
using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Container;

namespace CriShim.Runtime.Tests.Container;

public sealed class ContainerDeviceRulesTests
{
    [Fact]
    public void A_privileged_container_may_use_every_device() =>
        Assert.Equal([DeviceRule.AllowAll], ContainerDeviceRules.For(privileged: true, [Device("/dev/null", "r")]));

    [Fact]
    public void Any_other_gets_the_standard_nodes_and_mknod_only()
    {
        var rules = ContainerDeviceRules.For(privileged: false, []);

        Assert.Equal(
            ["c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm"],
            rules.Select(r => r.ToString()));
    }

    [Fact]
    public void Each_cri_device_is_allowed_by_its_node_numbers_with_its_permissions()
    {
        var rules = ContainerDeviceRules.For(privileged: false, [Device("/dev/zero", "r"), Device("/dev/full", "rw")]);

        Assert.Equal([DeviceRule.Char(1, 5, "r"), DeviceRule.Char(1, 7, "rw")], rules.Skip(ContainerDeviceRules.Standard.Count));
    }

    private static ContainerDevice Device(string hostPath, string permissions) =>
        new() { ContainerPath = "/dev/x", HostPath = hostPath, Permissions = permissions };
}
