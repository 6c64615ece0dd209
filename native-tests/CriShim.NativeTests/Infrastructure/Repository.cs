namespace CriShim.NativeTests.Infrastructure;

/// <summary>Where the checkout and the binaries built by <c>make build</c> are.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary><c>out/bin</c>, or <c>CRISHIM_BIN_DIR</c> when set (the VM tests use that).</summary>
    public static string BinDir { get; } =
        Environment.GetEnvironmentVariable("CRISHIM_BIN_DIR") is { Length: > 0 } dir ? dir : Path.Combine(Root, "out", "bin");

    public static string Binary(string name)
    {
        var path = Path.Combine(BinDir, name);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: run 'make build' first", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CriShim.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("cannot find the checkout (CriShim.sln) above " + AppContext.BaseDirectory);
    }
}
