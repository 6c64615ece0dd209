using CriShim.Native;
using CriShim.Native.Protocol;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Security;

/// <summary>
/// Compiles a resolved filter into the BPF program the runtime helper loads. It runs at CreateContainer
/// and RunPodSandbox, so a profile libseccomp cannot compile is refused before anything starts.
/// </summary>
public static class SeccompProgramCompiler
{
    public static SeccompProgram? Compile(SeccompSpec? spec)
    {
        if (spec is null)
        {
            return null;
        }
        try
        {
            using var filter = SeccompFilter.Compile(spec);
            return filter.Export();
        }
        catch (Exception e) when (e is ArgumentException or ErrnoException)
        {
            throw new InvalidArgumentException($"seccomp profile {spec.Source} cannot be compiled: {e.Message}", e);
        }
    }
}
