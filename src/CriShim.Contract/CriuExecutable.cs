namespace CriShim.Contract;

/// <summary>Where the daemon (checkpoint) and the monitor (restore) find <c>criu</c>: the first on the sbin and bin paths.</summary>
public static class CriuExecutable
{
    private static readonly string[] SearchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary>The executable; null when criu is not installed.</summary>
    public static string? Find() => SearchPath.Select(d => Path.Combine(d, "criu")).FirstOrDefault(File.Exists);

    /// <summary>
    /// criu's error lines in its output or log (where a timestamp precedes them) without their source locations,
    /// or its last line when it wrote none.
    /// </summary>
    public static string Errors(string output, int exitCode)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var errors = lines.Where(l => l.Contains("Error (", StringComparison.Ordinal))
            .Select(l => l.IndexOf("): ", StringComparison.Ordinal) is var at and >= 0 ? l[(at + 3)..] : l)
            .ToList();
        if (errors.Count > 0)
        {
            return string.Join("; ", errors);
        }
        return lines.Length > 0 ? lines[^1] : $"exit code {exitCode}";
    }
}
