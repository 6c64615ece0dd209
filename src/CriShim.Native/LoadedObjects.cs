using System.Runtime.InteropServices;
using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>The shared objects the dynamic loader mapped into this process (dl_iterate_phdr), by the paths it opened.</summary>
public static unsafe class LoadedObjects
{
    /// <summary>The absolute paths of the loaded libraries and of the loader itself; the executable and the vDSO have none.</summary>
    public static IReadOnlyList<string> Paths()
    {
        var paths = new List<string>();
        var handle = GCHandle.Alloc(paths);
        try
        {
            Libc.DlIteratePhdr(&Collect, (void*)GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }
        return paths;
    }

    [UnmanagedCallersOnly]
    private static int Collect(Libc.DlPhdrInfo* info, nuint size, void* data)
    {
        var name = Marshal.PtrToStringUTF8((nint)info->Name);
        if (name is { Length: > 0 } && name.StartsWith('/'))
        {
            ((List<string>)GCHandle.FromIntPtr((nint)data).Target!).Add(name);
        }
        return 0;
    }
}
