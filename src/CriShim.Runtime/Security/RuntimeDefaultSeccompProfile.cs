using System.Collections.Concurrent;
using CriShim.Native;

namespace CriShim.Runtime.Security;

/// <summary>
/// The profile behind <c>RuntimeDefault</c> (and the old <c>runtime/default</c>, <c>docker/default</c>):
/// crishim's copy of the Docker/containerd default, kept as an embedded resource in Docker's format and
/// read by the same parser as <c>Localhost</c> files.
/// </summary>
public static class RuntimeDefaultSeccompProfile
{
    private const string ResourceName = "CriShim.Runtime.Security.RuntimeDefaultSeccomp.json";

    /// <summary>Distinct capability sets remembered; beyond that a set is evaluated each time.</summary>
    private const int MaxRemembered = 64;

    private static readonly ConcurrentDictionary<(SeccompHost Host, string Capabilities), SeccompSpec> Evaluated = new();

    public static SeccompProfile Profile { get; } = Load();

    /// <summary>
    /// The profile evaluated for a capability set. Most pods run it with one of a few sets, so each set is
    /// evaluated once and keeps its identity, which lets <see cref="SeccompProgramCompiler"/> compile it once.
    /// </summary>
    public static SeccompSpec For(IReadOnlyCollection<string> capabilities, SeccompHost host)
    {
        var key = (host, string.Join(',', capabilities.Distinct().Order(StringComparer.Ordinal)));
        if (Evaluated.TryGetValue(key, out var known))
        {
            return known;
        }
        var spec = SeccompProfileEvaluator.Evaluate(Profile, capabilities, host);
        return Evaluated.Count < MaxRemembered ? Evaluated.GetOrAdd(key, spec) : spec;
    }

    private static SeccompProfile Load()
    {
        using var stream = typeof(RuntimeDefaultSeccompProfile).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the assembly lacks its resource {ResourceName}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return SeccompProfileParser.Parse(copy.ToArray(), "RuntimeDefault");
    }
}
