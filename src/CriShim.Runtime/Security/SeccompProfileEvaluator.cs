using CriShim.Native;

namespace CriShim.Runtime.Security;

/// <summary>
/// Turns a profile into the filter one process gets, as Docker's and containerd's loaders do: the
/// architectures (<c>architectures</c>, or the host's <c>archMap</c> entry), and each rule whose
/// includes all hold and whose excludes do not (capabilities are the process's bounding set).
/// </summary>
public static class SeccompProfileEvaluator
{
    /// <summary>What ERRNO and TRACE return when the profile does not say: EPERM, as runc.</summary>
    private const int EPERM = 1;

    public static SeccompSpec Evaluate(SeccompProfile profile, IReadOnlyCollection<string> capabilities, SeccompHost host)
    {
        var architectures = profile.Architectures.Count > 0
            ? profile.Architectures
            : profile.ArchMap.Where(m => m.Architecture == host.SeccompArchitecture).SelectMany(m => m.SubArchitectures.Prepend(m.Architecture)).ToList();
        return new SeccompSpec
        {
            Source = profile.Source,
            DefaultAction = profile.DefaultAction,
            DefaultErrno = profile.DefaultErrnoRet ?? EPERM,
            Architectures = architectures.Select(LibseccompName).Distinct().ToList(),
            Syscalls = profile.Syscalls
                .Where(rule => Applies(rule, capabilities, host))
                .Select(rule => new SeccompRule { Names = rule.Names, Action = rule.Action, Errno = rule.ErrnoRet ?? EPERM, Args = rule.Args })
                .ToList(),
            LogActions = profile.Flags.Contains("SECCOMP_FILTER_FLAG_LOG"),
            AllowSpeculation = profile.Flags.Contains("SECCOMP_FILTER_FLAG_SPEC_ALLOW"),
        };
    }

    private static bool Applies(SeccompProfileRule rule, IReadOnlyCollection<string> capabilities, SeccompHost host)
    {
        if (rule.Excludes is { } excludes &&
            (excludes.Arches.Contains(host.Architecture) ||
             excludes.Caps.Any(capabilities.Contains) ||
             (excludes.MinKernel is { } below && host.Kernel >= below)))
        {
            return false;
        }
        return rule.Includes is not { } includes ||
            ((includes.Arches.Count == 0 || includes.Arches.Contains(host.Architecture)) &&
             includes.Caps.All(capabilities.Contains) &&
             (includes.MinKernel is not { } atLeast || host.Kernel >= atLeast));
    }

    /// <summary><c>SCMP_ARCH_X86_64</c> is libseccomp's <c>x86_64</c> (runc's conversion).</summary>
    private static string LibseccompName(string architecture) =>
        architecture["SCMP_ARCH_".Length..].ToLowerInvariant();
}
