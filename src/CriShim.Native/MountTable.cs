using System.Text;

namespace CriShim.Native;

/// <summary>One line of <c>/proc/self/mountinfo</c>: what is mounted where, and as which file system.</summary>
public sealed record MountTableEntry(string Root, string MountPoint, string FileSystemType, string SuperOptions, bool IsShared);

/// <summary>The calling process's mount table (its mount namespace).</summary>
public static class MountTable
{
    public static IReadOnlyList<MountTableEntry> Read() => Parse(File.ReadAllLines("/proc/self/mountinfo"));

    /// <summary>The lines of a <c>mountinfo</c> file; malformed ones are skipped.</summary>
    public static IReadOnlyList<MountTableEntry> Parse(IEnumerable<string> lines)
    {
        var entries = new List<MountTableEntry>();
        foreach (var line in lines)
        {
            // id parent major:minor root mountpoint options [optional fields...] - fstype source superoptions
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-", 6);
            if (separator < 0 || fields.Length < separator + 4)
            {
                continue;
            }
            var shared = fields.AsSpan(6, separator - 6).ToArray().Any(f => f.StartsWith("shared:", StringComparison.Ordinal));
            entries.Add(new MountTableEntry(Unescape(fields[3]), Unescape(fields[4]), fields[separator + 1], fields[separator + 3], shared));
        }
        return entries;
    }

    /// <summary>The mount point of the mount that holds <paramref name="path"/> (an absolute path without symlinks).</summary>
    public static string MountPointOf(string path) => MountOf(path)?.MountPoint ?? "/";

    /// <summary>The mount that holds <paramref name="path"/>: on the longest matching mount point, the one mounted last.</summary>
    public static MountTableEntry? MountOf(string path)
    {
        MountTableEntry? best = null;
        foreach (var entry in Read())
        {
            var holds = entry.MountPoint == "/" || path == entry.MountPoint || path.StartsWith(entry.MountPoint + "/", StringComparison.Ordinal);
            if (holds && (best is null || entry.MountPoint.Length >= best.MountPoint.Length))
            {
                best = entry;
            }
        }
        return best;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo octal.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
        {
            return field;
        }
        var result = new StringBuilder();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && field.AsSpan(i + 1, 3).ContainsAnyExcept("01234567") is false)
            {
                result.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                result.Append(field[i]);
            }
        }
        return result.ToString();
    }
}
