namespace CriShim.Bench.Host;

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

    /// <summary>VmRSS in bytes, 0 when the process is gone.</summary>
    public long ResidentBytes() => StatusField("VmRSS:") * 1024;

    /// <summary>Proportional set size in bytes (shared pages split among their users), 0 when gone.</summary>
    public long ProportionalBytes() => RollupField("Pss:");

    /// <summary>Resident anonymous memory in bytes (heaps, stacks; never shared with another program), 0 when gone.</summary>
    public long AnonymousBytes() => RollupField("Anonymous:");

    /// <summary>The process's thread count, 0 when gone.</summary>
    public int Threads() => (int)StatusField("Threads:");

    private long RollupField(string name)
    {
        try
        {
            return Field(File.ReadAllLines($"/proc/{Pid}/smaps_rollup"), name) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private long StatusField(string name)
    {
        try
        {
            return Field(File.ReadAllLines($"/proc/{Pid}/status"), name);
        }
        catch (IOException)
        {
            return 0;
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
