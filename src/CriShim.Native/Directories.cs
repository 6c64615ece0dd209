using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>rmdir(2) with a typed error: cgroup directories are removed this way, never recursively.</summary>
public static class Directories
{
    /// <summary>Removes an empty directory (or a cgroup); false when it does not exist.</summary>
    public static bool RemoveEmpty(string path)
    {
        if (Libc.Rmdir(path) == 0)
        {
            return true;
        }
        var error = Errno.Last("rmdir", path);
        return error.IsNotFound ? false : throw error;
    }
}
