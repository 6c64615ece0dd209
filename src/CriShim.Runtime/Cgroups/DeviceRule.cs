using System.Globalization;

namespace CriShim.Runtime.Cgroups;

/// <summary>
/// One allow rule of a container's device access list (everything else is denied), in the words of
/// cgroup v1's <c>devices.allow</c>: type <c>a</c> (all), <c>c</c> or <c>b</c>, major:minor where null is
/// <c>*</c>, and access as a combination of r (read), w (write) and m (mknod).
/// </summary>
public sealed record DeviceRule
{
    private DeviceRule(DeviceRuleType type, uint? major, uint? minor, string access)
    {
        if (access.Length == 0 || access.Any(c => c is not ('r' or 'w' or 'm')) || access.Distinct().Count() != access.Length)
        {
            throw new ArgumentException($"device access '{access}' is not a combination of r, w and m", nameof(access));
        }
        Type = type;
        Major = major;
        Minor = minor;
        Access = access;
    }

    public DeviceRuleType Type { get; }

    /// <summary>Null matches every major number.</summary>
    public uint? Major { get; }

    /// <summary>Null matches every minor number.</summary>
    public uint? Minor { get; }

    public string Access { get; }

    /// <summary>Every device, every access: what a privileged container gets.</summary>
    public static DeviceRule AllowAll { get; } = new(DeviceRuleType.All, null, null, "rwm");

    public static DeviceRule Char(uint? major, uint? minor, string access) => new(DeviceRuleType.Char, major, minor, access);

    public static DeviceRule Block(uint? major, uint? minor, string access) => new(DeviceRuleType.Block, major, minor, access);

    public bool CanRead => Access.Contains('r');

    public bool CanWrite => Access.Contains('w');

    public bool CanMknod => Access.Contains('m');

    /// <summary>The rule as <c>devices.allow</c> reads it: <c>c 1:3 rwm</c>, <c>c 136:* rwm</c>, or <c>a</c> for everything.</summary>
    public override string ToString() => Type == DeviceRuleType.All
        ? "a"
        : $"{(Type == DeviceRuleType.Char ? 'c' : 'b')} {Number(Major)}:{Number(Minor)} {Access}";

    private static string Number(uint? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "*";
}

public enum DeviceRuleType
{
    All,
    Char,
    Block,
}
