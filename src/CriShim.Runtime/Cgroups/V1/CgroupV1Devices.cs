namespace CriShim.Runtime.Cgroups.V1;

/// <summary>
/// Device rules as v1 <c>devices</c> controller writes: <c>a</c> to devices.deny drops every inherited
/// permission, then each rule goes to devices.allow. Pure, so it is unit-tested.
/// </summary>
public static class CgroupV1Devices
{
    public static IReadOnlyList<CgroupSetting> Map(IReadOnlyList<DeviceRule> rules) =>
        [new("devices", "devices.deny", "a"), .. rules.Select(r => new CgroupSetting("devices", "devices.allow", r.ToString()))];
}
