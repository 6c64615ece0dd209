using CriShim.Native;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Container;

/// <summary>
/// The dynamic loader and the library directories this helper was started with, opened while the host's files are
/// in view. A helper stage started once the container's root is in place runs through them (the loader given the
/// libraries as <c>/proc/self/fd</c> paths), so it loads nothing from the container's root.
/// </summary>
internal sealed class HostLoader : IDisposable
{
    private HostLoader(SafeFileHandle loader, IReadOnlyList<SafeFileHandle> libraryDirectories)
    {
        Loader = loader;
        LibraryDirectories = libraryDirectories;
    }

    public SafeFileHandle Loader { get; }

    public IReadOnlyList<SafeFileHandle> LibraryDirectories { get; }

    public static HostLoader Open()
    {
        var objects = LoadedObjects.Paths();
        var loader = objects.FirstOrDefault(p => Path.GetFileName(p).StartsWith("ld-", StringComparison.Ordinal))
            ?? throw new InitStageException(Native.Protocol.StartFailure.Setup, "the helper's dynamic loader is not among its loaded objects");
        var directories = objects.Where(p => p != loader).Select(p => Path.GetDirectoryName(p)!).Distinct(StringComparer.Ordinal)
            .Select(ResolvedPaths.OpenHost).ToList();
        return new HostLoader(File.OpenHandle(loader, FileMode.Open, FileAccess.Read), directories);
    }

    public void Dispose()
    {
        Loader.Dispose();
        foreach (var directory in LibraryDirectories)
        {
            directory.Dispose();
        }
    }
}
