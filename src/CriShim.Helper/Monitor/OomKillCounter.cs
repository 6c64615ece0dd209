using System.Globalization;

namespace CriShim.Helper.Monitor;

/// <summary>The <c>oom_kill</c> line of a cgroup's v1 <c>memory.oom_control</c> or v2 <c>memory.events</c>.</summary>
internal static class OomKillCounter
{
    /// <summary>The counter, or 0 when there is no file or no such line (old kernels).</summary>
    public static long Read(string? path)
    {
        if (path is null)
        {
            return 0;
        }
        try
        {
            foreach (var line in File.ReadLines(path))
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
