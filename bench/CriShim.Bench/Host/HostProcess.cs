namespace CriShim.Bench.Host;

/// <summary>
/// A process's memory in bytes: resident, proportional (shared pages split among their users), resident anonymous
/// (heaps and stacks, never shared with another program); and its threads.
/// </summary>
public sealed record ProcessMemory(long Rss, long Pss, long Anonymous, int Threads);

/// <summary>One process as /proc shows it: enough to tell whose it is and what memory it holds.</summary>
public sealed record HostProcess(int Pid, int ParentPid, string Executable, IReadOnlyList<string> CommandLine, string Cgroups)
{
    /// <summary>Every process visible now; processes that exit while being read are skipped.</summary>
    public static IReadOnlyList<HostProcess> Snapshot()
    {
        var processes = new List<HostProcess>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && TryRead(pid) is { } process)
            {
                processes.Add(process);
            }
        }
        return processes;
    }

    public bool Mentions(string text) =>
        CommandLine.Any(a => a.Contains(text, StringComparison.Ordinal)) || Cgroups.Contains(text, StringComparison.Ordinal);

    /// <summary>What the process holds now, from one read of its status and one of its smaps_rollup; zeros when it is gone.</summary>
    public ProcessMemory Memory()
    {
        var status = Lines("status");
        var rollup = Lines("smaps_rollup");
        return new ProcessMemory(Field(status, "VmRSS:") * 1024, Field(rollup, "Pss:") * 1024, Field(rollup, "Anonymous:") * 1024, (int)Field(status, "Threads:"));
    }

    private string[] Lines(string file)
    {
        try
        {
            return File.ReadAllLines($"/proc/{Pid}/{file}");
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>The number after <paramref name="name"/> (memory fields count kB), 0 when absent.</summary>
    private static long Field(string[] lines, string name)
    {
        var line = lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[name.Length..].Trim().Split(' ')[0]);
    }

    private static HostProcess? TryRead(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name in parentheses may hold spaces; the fields after it do not.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var parent = int.Parse(fields[1]);
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            var cgroups = File.ReadAllText($"/proc/{pid}/cgroup");
            string executable;
            try
            {
                executable = new FileInfo($"/proc/{pid}/exe").LinkTarget ?? "";
            }
            catch (IOException)
            {
                executable = "";
            }
            return new HostProcess(pid, parent, executable, cmdline, cgroups);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
