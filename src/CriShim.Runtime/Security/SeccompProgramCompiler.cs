using System.Runtime.CompilerServices;
using CriShim.Native;
using CriShim.Contract;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Security;

/// <summary>
/// Compiles a resolved filter into the BPF program the runtime helper loads. It runs at CreateContainer
/// and RunPodSandbox, so a profile libseccomp cannot compile is refused before anything starts.
/// </summary>
public static class SeccompProgramCompiler
{
    /// <summary>
    /// Programs by the very spec they came from: the default profile's specs are reused (see
    /// <see cref="RuntimeDefaultSeccompProfile.For"/>), so the filter most pods run is compiled once, not at every
    /// container and pod start; a Localhost file's spec is new each time and takes its entry with it.
    /// </summary>
    private static readonly ConditionalWeakTable<SeccompSpec, SeccompProgram> Compiled = new();

    public static SeccompProgram? Compile(SeccompSpec? spec)
    {
        if (spec is null)
        {
            return null;
        }
        if (Compiled.TryGetValue(spec, out var known))
        {
            return known;
        }
        try
        {
            using var filter = SeccompFilter.Compile(spec);
            return Compiled.GetValue(spec, _ => new SeccompProgram { Filter = filter.Export(), LogActions = spec.LogActions, AllowSpeculation = spec.AllowSpeculation });
        }
        catch (Exception e) when (e is ArgumentException or ErrnoException)
        {
            throw new InvalidArgumentException($"seccomp profile {spec.Source} cannot be compiled: {e.Message}", e);
        }
    }
}
