using System.Globalization;
using CriShim.Contract;

namespace CriShim.Helper.Monitor;

/// <summary>Reads the container's <see cref="OomKillCounter"/>.</summary>
internal static class OomKills
{
    /// <summary>The counter, or 0 when there is none, no file or no such line (old kernels).</summary>
    public static long Read(OomKillCounter? counter)
    {
        if (counter is null)
        {
            return 0;
        }
        try
        {
            foreach (var line in File.ReadLines(counter.FilePath()))
            {
                if (line.StartsWith("oom_kill ", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(9), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The cgroup may already be gone; nothing was counted then.
        }
        return 0;
    }
}
