using System.Runtime.InteropServices;
using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>
/// Lets a long-lived, mostly idle process give back the executable pages it touched while starting.
/// Start-up faults in nearly all of the binary's and libc's code (the kernel maps page-cache pages
/// around each fault); the pause process then runs a loop of a few pages. Dropping the page-table
/// entries of read-only executable file mappings is always safe: those pages are never written, stay
/// in the page cache and fault back in on use. The segments come from the dynamic loader
/// (dl_iterate_phdr), not /proc, which a confined pause does not have.
/// </summary>
public static unsafe class CodePages
{
    private const uint PT_LOAD = 1;
    private const uint PF_X = 1;
    private const uint PF_W = 2;

    /// <summary>Drops every executable, non-writable loaded segment of this process from its resident set.</summary>
    public static void ReleaseResident()
    {
        // Collect everything first: code touched after an madvise would fault back in.
        var ranges = new List<(nint Start, nuint Length)>();
        var handle = GCHandle.Alloc(ranges);
        try
        {
            Libc.DlIteratePhdr(&Collect, (void*)GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }
        foreach (var (start, length) in ranges)
        {
            // Failure only means the pages stay resident (the vDSO is no file mapping and refuses).
            Libc.Madvise(start, length, Libc.MADV_DONTNEED);
        }
    }

    [UnmanagedCallersOnly]
    private static int Collect(Libc.DlPhdrInfo* info, nuint size, void* data)
    {
        var ranges = (List<(nint Start, nuint Length)>)GCHandle.FromIntPtr((nint)data).Target!;
        var pageMask = (ulong)Environment.SystemPageSize - 1;
        for (var i = 0; i < info->PhdrCount; i++)
        {
            var header = info->Phdr[i];
            if (header.Type != PT_LOAD || (header.Flags & PF_X) == 0 || (header.Flags & PF_W) != 0)
            {
                continue;
            }
            var start = (info->Address + header.VirtualAddress) & ~pageMask;
            var end = (info->Address + header.VirtualAddress + header.MemorySize + pageMask) & ~pageMask;
            ranges.Add(((nint)start, (nuint)(end - start)));
        }
        return 0;
    }
}
