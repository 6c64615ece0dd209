using System.Globalization;

namespace CriShim.Contract;

/// <summary>
/// Moves a process into a cgroup the way both sides name it: by the <c>cgroup.procs</c> files the daemon
/// derives (one per v1 hierarchy, one on v2; see <see cref="ContainerProcessSpec.CgroupProcsFiles"/>).
/// </summary>
public static class CgroupMembership
{
    /// <summary>Writes <paramref name="pid"/> to every file; the kernel's refusal surfaces as IOException or UnauthorizedAccessException.</summary>
    public static void Join(IReadOnlyList<string> procsFiles, int pid)
    {
        var text = pid.ToString(CultureInfo.InvariantCulture);
        foreach (var procs in procsFiles)
        {
            File.WriteAllText(procs, text);
        }
    }
}
