using System.Globalization;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Container;

/// <summary>Who the container's process runs as.</summary>
public sealed record ResolvedUser(long Uid, long Gid, IReadOnlyList<long> AdditionalGids, string Home);

/// <summary>
/// Resolves the CRI security context (<c>run_as_user</c>, <c>run_as_username</c>,
/// <c>run_as_group</c>, <c>supplemental_groups</c>) or else the image's <c>User</c> (name, uid,
/// name:group or uid:gid) against the container's own user database, as containerd does: a
/// numeric uid not in <c>/etc/passwd</c> runs with gid 0; the groups are the primary group, the
/// groups of <c>/etc/group</c> naming the user (unless the policy is Strict) and the supplemental ones.
/// </summary>
public static class ContainerUserResolver
{
    public static ResolvedUser Resolve(LinuxContainerSecurityContext? context, string? imageUser, UserDatabase users)
    {
        context ??= new LinuxContainerSecurityContext();
        if (context.RunAsGroup is not null && context.RunAsUser is null && context.RunAsUsername.Length == 0)
        {
            throw new InvalidArgumentException("run_as_group needs run_as_user or run_as_username: a group alone does not say who the process runs as");
        }

        PasswdEntry? entry;
        long uid;
        long gid;
        if (context.RunAsUser is not null)
        {
            uid = CheckId(context.RunAsUser.Value, "run_as_user");
            entry = users.UserWithId(uid);
            gid = entry?.Gid ?? 0;
        }
        else if (context.RunAsUsername.Length > 0)
        {
            entry = users.UserNamed(context.RunAsUsername)
                ?? throw new InvalidArgumentException($"run_as_username '{context.RunAsUsername}' is not in the image's /etc/passwd");
            (uid, gid) = (entry.Uid, entry.Gid);
        }
        else
        {
            (uid, gid, entry) = FromImageUser(imageUser ?? "", users);
        }
        if (context.RunAsGroup is not null)
        {
            gid = CheckId(context.RunAsGroup.Value, "run_as_group");
        }

        var groups = new List<long> { gid };
        if (entry is not null && context.SupplementalGroupsPolicy != SupplementalGroupsPolicy.Strict)
        {
            groups.AddRange(users.GroupsOf(entry.Name));
        }
        groups.AddRange(context.SupplementalGroups.Select(g => CheckId(g, "supplemental_groups")));
        return new ResolvedUser(uid, gid, groups.Distinct().ToList(), entry?.Home is { Length: > 0 } home ? home : "/");
    }

    private static (long Uid, long Gid, PasswdEntry? Entry) FromImageUser(string imageUser, UserDatabase users)
    {
        if (imageUser.Length == 0)
        {
            return (0, users.UserWithId(0)?.Gid ?? 0, users.UserWithId(0));
        }
        var (userPart, groupPart) = imageUser.Split(':', 2) is [var u, var g] ? (u, g) : (imageUser, null);
        PasswdEntry? entry;
        long uid;
        if (TryParseId(userPart, out uid))
        {
            entry = users.UserWithId(uid);
        }
        else
        {
            entry = users.UserNamed(userPart)
                ?? throw new InvalidArgumentException($"the image's user '{userPart}' is not in its /etc/passwd");
            uid = entry.Uid;
        }
        var gid = entry?.Gid ?? 0;
        if (groupPart is { Length: > 0 })
        {
            gid = TryParseId(groupPart, out var numeric)
                ? numeric
                : users.GroupNamed(groupPart)?.Gid
                    ?? throw new InvalidArgumentException($"the image's group '{groupPart}' is not in its /etc/group");
        }
        return (uid, gid, entry);
    }

    private static bool TryParseId(string text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id <= uint.MaxValue;

    private static long CheckId(long id, string field) =>
        id is >= 0 and < uint.MaxValue ? id : throw new InvalidArgumentException($"{field} {id} is not a valid id (0 to {uint.MaxValue - 1})");
}
