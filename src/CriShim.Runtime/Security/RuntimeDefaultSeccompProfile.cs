namespace CriShim.Runtime.Security;

/// <summary>
/// The profile behind <c>RuntimeDefault</c> (and the old <c>runtime/default</c>, <c>docker/default</c>):
/// crishim's copy of the Docker/containerd default, kept as an embedded resource in Docker's format and
/// read by the same parser as <c>Localhost</c> files.
/// </summary>
public static class RuntimeDefaultSeccompProfile
{
    private const string ResourceName = "CriShim.Runtime.Security.RuntimeDefaultSeccomp.json";

    public static SeccompProfile Profile { get; } = Load();

    private static SeccompProfile Load()
    {
        using var stream = typeof(RuntimeDefaultSeccompProfile).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the assembly lacks its resource {ResourceName}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return SeccompProfileParser.Parse(copy.ToArray(), "RuntimeDefault");
    }
}
