using CriShim.Contract;
using CriShim.Native;

namespace CriShim.Runtime.Cgroups;

/// <summary>Reading and writing cgroup interface files, shared by both versions.</summary>
internal static class CgroupFiles
{
    /// <summary>ENODEV: .NET's IOException carries the raw errno for the codes it does not map.</summary>
    private const int NoSuchDevice = 19;

    public static void Write(string directory, string file, string value)
    {
        var path = Path.Combine(directory, file);
        try
        {
            File.WriteAllText(path, value);
        }
        catch (IOException e)
        {
            throw new IOException($"writing '{value}' to {path}: {e.Message}", e);
        }
    }

    public static string Read(string directory, string file) => File.ReadAllText(Path.Combine(directory, file)).Trim();

    public static IReadOnlyList<int> Pids(string directory)
    {
        var procs = Path.Combine(directory, CgroupFileNames.Procs);
        try
        {
            return File.ReadAllLines(procs).Where(l => l.Length > 0).Select(int.Parse).ToList();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException || e.HResult == NoSuchDevice)
        {
            // Gone, or removed between the open and the read: the kernel answers ENODEV for a cgroup that is going away.
            return [];
        }
    }

    /// <summary>Processes listed in <c>cgroup.procs</c> of the directory and of every cgroup below it; 0 when it is gone.</summary>
    public static int CountProcesses(string directory)
    {
        try
        {
            return Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories).Append(directory).Sum(d => Pids(d).Count);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>SIGKILLs whatever <paramref name="pids"/> reads until it is empty (or the deadline passes).</summary>
    public static void KillUntilEmpty(Func<IReadOnlyList<int>> pids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (pids() is { Count: > 0 } live)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new IOException($"processes {string.Join(' ', live)} are still in the cgroup after SIGKILL");
            }
            foreach (var pid in live)
            {
                Processes.Signal(pid, Signals.SIGKILL);
            }
            Thread.Sleep(20);
        }
    }

    public static bool HasChildren(string directory) =>
        Directory.Exists(directory) && Directory.EnumerateDirectories(directory).Any();

    /// <summary>rmdir with retries: a cgroup stays busy for a moment after its last process exits.</summary>
    public static void RemoveDirectory(string directory, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                Directories.RemoveEmpty(directory);
                return;
            }
            catch (ErrnoException e) when (e.IsBusy && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }
}
