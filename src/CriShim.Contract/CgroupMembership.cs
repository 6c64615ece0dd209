using System.Globalization;

namespace CriShim.Contract;

/// <summary>Moves a process into the cgroups the daemon placed it in (<see cref="CgroupPlacement"/>), one per hierarchy.</summary>
public static class CgroupMembership
{
    /// <summary>
    /// Writes <paramref name="pid"/> to the <c>cgroup.procs</c> of every placement but the inherited ones; the
    /// kernel's refusal surfaces as IOException or UnauthorizedAccessException.
    /// </summary>
    public static void Join(IReadOnlyList<CgroupPlacement> placements, int pid)
    {
        var text = pid.ToString(CultureInfo.InvariantCulture);
        foreach (var placement in placements.Where(p => !p.Inherited))
        {
            File.WriteAllText(Path.Combine(placement.Directory, CgroupFileNames.Procs), text);
        }
    }
}
