using System.Globalization;
using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>
/// Lets a long-lived, mostly idle process give back the executable pages it touched while starting.
/// Start-up faults in nearly all of the binary's and libc's code (the kernel maps page-cache pages
/// around each fault); the pause process then runs a loop of a few pages. Dropping the page-table
/// entries of read-only executable file mappings is always safe: those pages are never written, stay
/// in the page cache and fault back in on use.
/// </summary>
public static class CodePages
{
    /// <summary>Drops every executable file mapping of this process from its resident set.</summary>
    public static void ReleaseResident()
    {
        // Parse everything first: code touched after an madvise would fault back in.
        var ranges = new List<(nint Start, nuint Length)>();
        foreach (var line in File.ReadAllLines("/proc/self/maps"))
        {
            // "start-end perms offset dev inode path"
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[1] != "r-xp" || fields[4] == "0")
            {
                continue;
            }
            var range = fields[0].Split('-');
            var start = nint.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var end = nint.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            ranges.Add((start, (nuint)(end - start)));
        }
        foreach (var (start, length) in ranges)
        {
            // Failure only means the pages stay resident.
            Libc.Madvise(start, length, Libc.MADV_DONTNEED);
        }
    }
}
