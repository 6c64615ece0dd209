namespace CriShim.Runtime.Network;

/// <summary>
/// Whether a netns path still names a namespace. A pinned namespace is a bind mount of nsfs; once
/// unmounted (or after a reboot) the path is gone or a plain file, and plugins must get an empty
/// <c>CNI_NETNS</c> so their DEL releases what lives outside the namespace instead of failing.
/// </summary>
public static class NetworkNamespacePath
{
    public static bool IsLive(string path, string mountInfo = "/proc/self/mountinfo")
    {
        if (path.Length == 0 || !File.Exists(path))
        {
            return false;
        }
        // /proc/<pid>/ns/net is live for as long as it exists.
        if (path.StartsWith("/proc/", StringComparison.Ordinal))
        {
            return true;
        }
        var full = Path.GetFullPath(path);
        foreach (var line in File.ReadLines(mountInfo))
        {
            // mountinfo: id parent major:minor root mount-point options [optional...] - fstype source super-options
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length > 4 && separator > 4 && separator + 1 < fields.Length
                && fields[separator + 1] == "nsfs" && Unescape(fields[4]) == full)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>mountinfo writes space, tab, newline and backslash as three-digit octal escapes.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
        {
            return field;
        }
        var text = new System.Text.StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length
                && field.Substring(i + 1, 3).All(c => c is >= '0' and <= '7'))
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }
        return text.ToString();
    }
}
