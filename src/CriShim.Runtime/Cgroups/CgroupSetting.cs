namespace CriShim.Runtime.Cgroups;

/// <summary>One value for one interface file; <see cref="Controller"/> names the v1 hierarchy (empty on v2).</summary>
public readonly record struct CgroupSetting(string Controller, string File, string Value);
