using CriShim.Native;

namespace CriShim.Contract;

/// <summary>
/// Where the runtime helper keeps its read-only copies of its own files for stage roots (one tmpfs per helper
/// build, made by the first start or exec that needs it), and how the daemon lets them go: before it serves, as
/// no helper runs then, and when it stops. A stage root already built keeps its binds of a released copy.
/// </summary>
public static class StageFileCopies
{
    /// <summary>Serializes the helpers that make a copy.</summary>
    public const string LockFile = ".lock";

    public static string DirectoryIn(string state) => Path.Combine(state, "stage-files");

    /// <summary>Unmounts (lazily) and removes every copy under <paramref name="state"/>.</summary>
    public static void Release(string state)
    {
        var directory = DirectoryIn(state);
        if (!Directory.Exists(directory))
        {
            return;
        }
        foreach (var copy in Directory.EnumerateDirectories(directory))
        {
            while (Mounts.Unmount(copy))
            {
            }
            Directory.Delete(copy);
        }
    }
}
