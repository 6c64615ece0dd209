using System.Globalization;
using System.Text;

namespace CriShim.Runtime.Container;

/// <summary>One line of <c>/etc/passwd</c>.</summary>
public sealed record PasswdEntry(string Name, long Uid, long Gid, string Home);

/// <summary>One line of <c>/etc/group</c>.</summary>
public sealed record GroupEntry(string Name, long Gid, IReadOnlyList<string> Members);

/// <summary>
/// The users and groups of a container's own <c>/etc/passwd</c> and <c>/etc/group</c> (never the
/// host's). Malformed lines are skipped, as libc does.
/// </summary>
public sealed class UserDatabase(IReadOnlyList<PasswdEntry> users, IReadOnlyList<GroupEntry> groups)
{
    public static UserDatabase Empty { get; } = new([], []);

    public IReadOnlyList<PasswdEntry> Users => users;
    public IReadOnlyList<GroupEntry> Groups => groups;

    /// <summary>Reads both files from the image; a missing file is an empty one.</summary>
    public static UserDatabase From(ImageLayerView image) => Parse(
        Encoding.UTF8.GetString(image.ReadFile("/etc/passwd") ?? []),
        Encoding.UTF8.GetString(image.ReadFile("/etc/group") ?? []));

    public static UserDatabase Parse(string passwd, string group)
    {
        var parsedUsers = new List<PasswdEntry>();
        foreach (var fields in Lines(passwd))
        {
            if (fields.Length >= 4 && TryId(fields[2], out var uid) && TryId(fields[3], out var gid))
            {
                parsedUsers.Add(new PasswdEntry(fields[0], uid, gid, fields.Length > 5 ? fields[5] : ""));
            }
        }
        var parsedGroups = new List<GroupEntry>();
        foreach (var fields in Lines(group))
        {
            if (fields.Length >= 3 && TryId(fields[2], out var gid))
            {
                var members = fields.Length > 3 ? fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
                parsedGroups.Add(new GroupEntry(fields[0], gid, members));
            }
        }
        return new UserDatabase(parsedUsers, parsedGroups);
    }

    public PasswdEntry? UserNamed(string name) => users.FirstOrDefault(u => u.Name == name);

    public PasswdEntry? UserWithId(long uid) => users.FirstOrDefault(u => u.Uid == uid);

    public GroupEntry? GroupNamed(string name) => groups.FirstOrDefault(g => g.Name == name);

    /// <summary>The groups that list <paramref name="userName"/> as a member.</summary>
    public IEnumerable<long> GroupsOf(string userName) =>
        groups.Where(g => g.Members.Contains(userName)).Select(g => g.Gid);

    private static IEnumerable<string[]> Lines(string content) =>
        content.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(':'));

    private static bool TryId(string text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id <= uint.MaxValue;
}
