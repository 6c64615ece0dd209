using CriShim.Contract;
using CriShim.Helper.Container;
using CriShim.Native;

namespace CriShim.Helper;

/// <summary>
/// What execve of this helper reads, as the loader read it in this process: the executable, the dynamic loader, the
/// libraries at the paths the loader opened and the loader's cache. Stage roots (<see cref="InitStageRoot"/>, their
/// shared copy <see cref="SharedStageFiles"/>), pause's root (<see cref="PauseRoot"/>) and the loader a stage runs
/// through (<see cref="StageRootLoader"/>) are all built from this one list.
/// </summary>
internal sealed record HelperFiles(string Loader, IReadOnlyList<string> Libraries, string? LoaderCache)
{
    /// <summary>The running executable: the very file execve opened, even when its path names another one by now.</summary>
    public const string Executable = "/proc/self/exe";

    private const string DefaultLoaderCache = "/etc/ld.so.cache";

    public static HelperFiles OfThisProcess()
    {
        var objects = LoadedObjects.Paths().Distinct(StringComparer.Ordinal).ToList();
        var loader = objects.FirstOrDefault(p => Path.GetFileName(p).StartsWith("ld-", StringComparison.Ordinal))
            ?? throw new InitStageException(StartFailure.Setup, "the helper's dynamic loader is not among its loaded objects");
        return new HelperFiles(loader, objects.Where(p => p != loader).ToList(), File.Exists(DefaultLoaderCache) ? DefaultLoaderCache : null);
    }

    /// <summary>Each file with its path in a root whose executable is <paramref name="binary"/>; the others keep their host paths.</summary>
    public IEnumerable<(string Source, string Target)> InRoot(string binary) =>
        new[] { (Executable, binary) }.Concat(LoaderFiles.Select(path => (path, path)));

    /// <summary>What the loader reads besides the executable.</summary>
    private IEnumerable<string> LoaderFiles => [Loader, .. Libraries, .. LoaderCache is null ? Array.Empty<string>() : [LoaderCache]];
}
