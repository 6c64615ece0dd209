using CriShim.Native;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Container;

/// <summary>
/// This helper's binary, dynamic loader and library directories as an init stage was started with them: the stage
/// root's read-only files (<see cref="InitStageRoot"/>), opened before the container's root replaces the stage root.
/// A helper stage started once the container's root is in place runs through them (the loader given the binary and
/// the libraries as <c>/proc/self/fd</c> paths), so it loads nothing from the container's root.
/// </summary>
internal sealed class StageRootLoader : IDisposable
{
    private StageRootLoader(SafeFileHandle helper, SafeFileHandle loader, IReadOnlyList<SafeFileHandle> libraryDirectories)
    {
        Helper = helper;
        Loader = loader;
        LibraryDirectories = libraryDirectories;
    }

    public SafeFileHandle Helper { get; }

    public SafeFileHandle Loader { get; }

    public IReadOnlyList<SafeFileHandle> LibraryDirectories { get; }

    public static StageRootLoader Open()
    {
        var files = HelperFiles.OfThisProcess();
        var directories = files.Libraries.Select(p => Path.GetDirectoryName(p)!).Distinct(StringComparer.Ordinal)
            .Select(ResolvedPaths.OpenHost).ToList();
        return new StageRootLoader(
            File.OpenHandle(InitStageRoot.Binary, FileMode.Open, FileAccess.Read), File.OpenHandle(files.Loader, FileMode.Open, FileAccess.Read), directories);
    }

    public void Dispose()
    {
        Helper.Dispose();
        Loader.Dispose();
        foreach (var directory in LibraryDirectories)
        {
            directory.Dispose();
        }
    }
}
