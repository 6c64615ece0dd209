namespace CriShim.Native;

/// <summary>
/// For the container monitor once it reaches its steady loop: start-up's garbage goes back to the kernel with a compacting, decommitting collection, and the
/// code pages start-up touched leave the resident set (<see cref="CodePages"/>); what the loop runs faults
/// back in from the page cache.
/// </summary>
public static class IdleMemory
{
    public static void Release()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        CodePages.ReleaseResident();
    }
}
