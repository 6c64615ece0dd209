namespace CriShim.NativeTests.Infrastructure;

/// <summary>A theory that needs root (namespaces, mounts, cgroups, the real daemon); skipped with the reason otherwise.</summary>
public sealed class RootTheoryAttribute : TheoryAttribute
{
    public RootTheoryAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root: native tests drive the real kernel and the crishim daemon";
        }
    }
}
