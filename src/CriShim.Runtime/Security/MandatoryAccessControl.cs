using System.Text.RegularExpressions;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using ProfileType = CriShim.Protocol.V1.SecurityProfile.Types.ProfileType;

namespace CriShim.Runtime.Security;

/// <summary>
/// AppArmor and SELinux requests, handled as containerd's CRI plugin does on a host where neither is
/// enabled (crishim applies neither): an AppArmor profile other than unconfined fails loudly ("apparmor
/// is not supported"), SELinux options are accepted and not applied (containerd's default
/// <c>enable_selinux = false</c>), but a malformed SELinux level is still refused.
/// </summary>
public static partial class MandatoryAccessControl
{
    public static void CheckContainer(LinuxContainerSecurityContext security)
    {
        if (RequestedAppArmor(security) is { } profile)
        {
            throw new FailedPreconditionException(
                $"apparmor profile '{profile}' cannot be applied: apparmor is not supported by crishim on this node; ask for an Unconfined profile or none");
        }
        CheckSelinux(security.SelinuxOptions);
    }

    /// <summary>containerd takes nothing but seccomp from the sandbox's security profiles; SELinux levels are still checked.</summary>
    public static void CheckSandbox(LinuxSandboxSecurityContext? security) => CheckSelinux(security?.SelinuxOptions);

    /// <summary>The AppArmor profile asked for, or null for none/unconfined (containerd's mapping of both fields).</summary>
    private static string? RequestedAppArmor(LinuxContainerSecurityContext security)
    {
        if (security.Apparmor is { } profile)
        {
            return profile.ProfileType switch
            {
                ProfileType.Unconfined => null,
                ProfileType.Localhost => "localhost/" + profile.LocalhostRef,
                _ => "runtime/default",
            };
        }
#pragma warning disable CS0612
        var path = security.ApparmorProfile;
#pragma warning restore CS0612
        return path is "" or "unconfined" ? null : path;
    }

    private static void CheckSelinux(SELinuxOption? options)
    {
        if (options is { Level.Length: > 0 } && !SelinuxLevel().IsMatch(options.Level))
        {
            throw new InvalidArgumentException($"selinux_options.level '{options.Level}' is not an SELinux level such as s0:c1,c2");
        }
    }

    /// <summary>containerd's checkSelinuxLevel: sensitivity (range) and optional categories.</summary>
    [GeneratedRegex(@"^s\d(-s\d)??(:c\d{1,4}(\.c\d{1,4})?(,c\d{1,4}(\.c\d{1,4})?)*)?$")]
    private static partial Regex SelinuxLevel();
}
