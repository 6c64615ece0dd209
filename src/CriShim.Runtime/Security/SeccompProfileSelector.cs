using CriShim.Native;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using ProfileType = CriShim.Protocol.V1.SecurityProfile.Types.ProfileType;

namespace CriShim.Runtime.Security;

/// <summary>
/// Which seccomp filter a container or a pod's pause process gets, following containerd's CRI plugin:
/// the <c>seccomp</c> <see cref="SecurityProfile"/> wins; otherwise the deprecated
/// <c>seccomp_profile_path</c> (<c>""</c> and <c>unconfined</c>: none; <c>runtime/default</c> and
/// <c>docker/default</c>: the default; <c>localhost/&lt;absolute path&gt;</c>: that file). Privileged
/// processes run unconfined. A container does not inherit the sandbox's profile: the kubelet copies
/// the pod-level profile into each container's own context. A pod or container that names no profile
/// at all gets its runtime handler's default (containerd's <c>unset_seccomp_profile</c>), unconfined
/// when the handler has none.
/// </summary>
public static class SeccompProfileSelector
{
    private const string LocalhostPrefix = "localhost/";

    /// <param name="capabilities">The container's bounding set, which includes and excludes test.</param>
    /// <param name="whenUnset">The runtime handler's profile for a container that names none; null: unconfined.</param>
    public static SeccompSpec? ForContainer(LinuxContainerSecurityContext security, IReadOnlyCollection<string> capabilities, SeccompHost host,
        SecurityProfile? whenUnset = null) =>
        security.Privileged ? null : Load(Requested(security.Seccomp, DeprecatedPath(security), whenUnset), capabilities, host);

    /// <summary>
    /// The pause process's filter, evaluated with the default container capabilities (containerd's
    /// sandbox spec has the same defaults).
    /// </summary>
    public static SeccompSpec? ForSandbox(LinuxSandboxSecurityContext? security, SeccompHost host, SecurityProfile? whenUnset = null) =>
        security is { Privileged: true }
            ? null
            : Load(security is null ? whenUnset : Requested(security.Seccomp, DeprecatedPath(security), whenUnset), Container.Capabilities.Default, host);

    /// <summary>The profile asked for, the structured field first; null means unconfined.</summary>
    public static SecurityProfile? Requested(SecurityProfile? profile, string deprecatedPath, SecurityProfile? whenUnset = null)
    {
        if (profile is null && deprecatedPath.Length == 0)
        {
            return whenUnset;
        }
        if (profile is not null)
        {
            if (profile.ProfileType != ProfileType.Localhost && profile.LocalhostRef.Length > 0)
            {
                throw new InvalidArgumentException(
                    $"seccomp profile type {profile.ProfileType} with localhost_ref '{profile.LocalhostRef}': localhost_ref is only for type Localhost");
            }
            return profile.ProfileType == ProfileType.Unconfined ? null : profile;
        }
        return deprecatedPath switch
        {
            "unconfined" => null,
            "runtime/default" or "docker/default" => new SecurityProfile { ProfileType = ProfileType.RuntimeDefault },
            _ when deprecatedPath.StartsWith(LocalhostPrefix, StringComparison.Ordinal) =>
                new SecurityProfile { ProfileType = ProfileType.Localhost, LocalhostRef = deprecatedPath[LocalhostPrefix.Length..] },
            _ => throw new InvalidArgumentException(
                $"seccomp_profile_path '{deprecatedPath}' is not valid: use unconfined, runtime/default, docker/default or localhost/<absolute path>"),
        };
    }

    private static SeccompSpec? Load(SecurityProfile? profile, IReadOnlyCollection<string> capabilities, SeccompHost host) => profile?.ProfileType switch
    {
        null => null,
        ProfileType.RuntimeDefault => RuntimeDefaultSeccompProfile.For(capabilities, host),
        ProfileType.Localhost => SeccompProfileEvaluator.Evaluate(ReadLocalhost(profile.LocalhostRef, host), capabilities, host),
        var type => throw new InvalidArgumentException($"seccomp profile type {type} is not known"),
    };

    private static SeccompProfile ReadLocalhost(string reference, SeccompHost host)
    {
        // containerd trims a stray prefix from localhost_ref too.
        var path = reference.StartsWith(LocalhostPrefix, StringComparison.Ordinal) ? reference[LocalhostPrefix.Length..] : reference;
        if (!Path.IsPathRooted(path))
        {
            throw new InvalidArgumentException($"seccomp Localhost profile '{reference}' must be an absolute path on the node");
        }
        byte[] content;
        try
        {
            content = host.ReadProfile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidArgumentException($"seccomp profile {path} cannot be read: {e.Message}");
        }
        return SeccompProfileParser.Parse(content, path);
    }

#pragma warning disable CS0612
    private static string DeprecatedPath(LinuxContainerSecurityContext security) => security.SeccompProfilePath;

    private static string DeprecatedPath(LinuxSandboxSecurityContext security) => security.SeccompProfilePath;
#pragma warning restore CS0612
}
