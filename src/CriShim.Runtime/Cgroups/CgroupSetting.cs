namespace CriShim.Runtime.Cgroups;

/// <summary>
/// One value for one interface file. <see cref="Controller"/> names the controller the file belongs to
/// (on v1 also the hierarchy it is written in); empty for a file that is written whatever the host has
/// (the CRI <c>unified</c> keys, which the caller asked for by file name).
/// </summary>
public readonly record struct CgroupSetting(string Controller, string File, string Value);
