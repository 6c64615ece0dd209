using CriShim.Native;
using CriShim.Contract;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Container;

/// <summary>
/// The container's root before pivot_root, as a host path and a descriptor. A container path is resolved
/// on descriptors below it the way the container will see it (<see cref="InRootPath"/>), missing parts are
/// created, and what is mounted on is the descriptor that came out: inside the root, whatever a container
/// sharing a volume swaps in meanwhile (runc's CVE-2021-30465).
/// </summary>
internal sealed class RootDirectory : IDisposable
{
    private readonly SafeFileHandle _descriptor;

    public RootDirectory(string path)
    {
        Path = path;
        _descriptor = ResolvedPaths.OpenHost(path);
    }

    public string Path { get; }

    /// <summary>The directory at a container path, created when missing.</summary>
    public SafeFileHandle OpenDirectory(string containerPath) => InRootPath.OpenOrCreateDirectory(_descriptor, containerPath);

    /// <summary>The file at a container path, created empty (with its directory) when missing.</summary>
    public SafeFileHandle OpenFile(string containerPath)
    {
        if (InRootPath.Open(_descriptor, containerPath) is { } existing)
        {
            return existing;
        }
        // The missing name in its resolved parent: created new (O_EXCL), then opened with no symlink allowed on the way.
        var resolved = InRootPath.Resolve(Path, containerPath, InRootPath.Missing.CreateParents)!;
        using (new FileStream(resolved, FileMode.CreateNew, FileAccess.Write))
        {
        }
        return ResolvedPaths.OpenInRoot(_descriptor, System.IO.Path.GetRelativePath(Path, resolved))
            ?? throw new InitStageException(StartFailure.Setup, $"{containerPath} vanished while the container's root was built");
    }

    /// <summary>What is at a container path, or null when nothing is.</summary>
    public SafeFileHandle? OpenExisting(string containerPath) => InRootPath.Open(_descriptor, containerPath);

    /// <summary>Runs <paramref name="mount"/> with a path that names exactly the directory at <paramref name="containerPath"/>.</summary>
    public void MountOnDirectory(string containerPath, Action<string> mount)
    {
        using var target = OpenDirectory(containerPath);
        mount(ResolvedPaths.ProcPath(target));
    }

    /// <summary>The container path a descriptor from this root refers to.</summary>
    public string ContainerPathOf(SafeFileHandle opened)
    {
        var host = new FileInfo(ResolvedPaths.ProcPath(opened)).LinkTarget!;
        var relative = System.IO.Path.GetRelativePath(Path, host);
        return relative == "." ? "/" : "/" + relative;
    }

    public void Dispose() => _descriptor.Dispose();
}
