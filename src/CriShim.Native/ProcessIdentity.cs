using System.Globalization;

namespace CriShim.Native;

/// <summary>
/// A process as the kernel knows it: its pid plus its start time (clock ticks after boot, field 22 of
/// <c>/proc/&lt;pid&gt;/stat</c>), so a recycled pid is never taken for the process it once named.
/// </summary>
public readonly record struct ProcessIdentity(int Pid, ulong StartTime)
{
    /// <summary>The process now running as <paramref name="pid"/>, or null when there is none or it is a zombie.</summary>
    public static ProcessIdentity? Find(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
        return Parse(pid, stat);
    }

    /// <summary>Parses a <c>/proc/&lt;pid&gt;/stat</c> line; null for a zombie or dead process.</summary>
    public static ProcessIdentity? Parse(int pid, string stat)
    {
        // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
        var afterName = stat.LastIndexOf(')');
        if (afterName < 0)
        {
            return null;
        }
        var fields = stat[(afterName + 2)..].Split(' ');
        // fields[0] is field 3 (state); the start time is field 22.
        if (fields.Length < 20 || fields[0] is "Z" or "X")
        {
            return null;
        }
        return new ProcessIdentity(pid, ulong.Parse(fields[19], CultureInfo.InvariantCulture));
    }

    public bool IsAlive => Find(Pid) == this;
}
