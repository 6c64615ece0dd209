using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Cgroups.V1;

namespace CriShim.Runtime.Tests.Cgroups;

public sealed class DeviceRuleTests
{
    [Fact]
    public void Rules_read_as_devices_allow_lines()
    {
        Assert.Equal("c 1:3 rwm", DeviceRule.Char(1, 3, "rwm").ToString());
        Assert.Equal("c 136:* rwm", DeviceRule.Char(136, null, "rwm").ToString());
        Assert.Equal("b *:* m", DeviceRule.Block(null, null, "m").ToString());
        Assert.Equal("b 254:0 r", DeviceRule.Block(254, 0, "r").ToString());
        Assert.Equal("a", DeviceRule.AllowAll.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("rr")]
    [InlineData("rwmw")]
    public void Access_must_be_a_combination_of_r_w_and_m(string access) =>
        Assert.Throws<ArgumentException>(() => DeviceRule.Char(1, 3, access));

    [Fact]
    public void V1_denies_everything_then_allows_each_rule()
    {
        var settings = CgroupV1Devices.Map([DeviceRule.Block(null, null, "m"), DeviceRule.Char(1, 3, "rwm"), DeviceRule.Block(8, 0, "r")]);

        Assert.Equal(
            [
                ("devices", "devices.deny", "a"), ("devices", "devices.allow", "b *:* m"),
                ("devices", "devices.allow", "c 1:3 rwm"), ("devices", "devices.allow", "b 8:0 r"),
            ],
            settings.Select(s => (s.Controller, s.File, s.Value)));
    }

    [Fact]
    public void V1_allow_all_is_a_written_to_devices_allow() =>
        Assert.Equal(
            [("devices.deny", "a"), ("devices.allow", "a")],
            CgroupV1Devices.Map([DeviceRule.AllowAll]).Select(s => (s.File, s.Value)));
}
