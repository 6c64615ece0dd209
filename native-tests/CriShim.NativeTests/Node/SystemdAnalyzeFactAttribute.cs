using CriShim.NativeTests.Infrastructure;

namespace CriShim.NativeTests.Node;

/// <summary>A root fact that also needs <c>systemd-analyze</c> (Debian's systemd package); skipped with the reason otherwise.</summary>
public sealed class SystemdAnalyzeFactAttribute : FactAttribute
{
    public static readonly string? Tool = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);

    public SystemdAnalyzeFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = new RootFactAttribute().Skip;
        }
        else if (Tool is null)
        {
            Skip = "systemd-analyze is not installed (Debian package systemd): the unit file cannot be verified here";
        }
    }
}
