using System.Runtime.InteropServices;

namespace CriShim.Native.Interop;

internal static partial class Libc
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct ResourceLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    /// <summary>Limits belong to the whole process, so glibc's plain wrapper is right here.</summary>
    [LibraryImport(Name, EntryPoint = "setrlimit", SetLastError = true)]
    internal static partial int Setrlimit(int resource, in ResourceLimit limit);

    [LibraryImport(Name, EntryPoint = "getrlimit", SetLastError = true)]
    internal static partial int Getrlimit(int resource, out ResourceLimit limit);
}
