using System.Diagnostics;

namespace CriShim.NativeTests.Infrastructure;

/// <summary>
/// A root fact about a host where criu is missing or <c>criu check</c> fails (this kernel is newer than Debian's
/// criu knows); skipped where criu works, as the VM scenario covers checkpoints there.
/// </summary>
public sealed class CriuUnusableFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> Works = new(() =>
    {
        var criu = new[] { "/usr/sbin/criu", "/usr/local/sbin/criu", "/sbin/criu" }.FirstOrDefault(File.Exists);
        if (criu is null)
        {
            return false;
        }
        using var check = Process.Start(new ProcessStartInfo(criu, "check") { RedirectStandardError = true, RedirectStandardOutput = true })!;
        check.StandardError.ReadToEnd();
        check.StandardOutput.ReadToEnd();
        check.WaitForExit();
        return check.ExitCode == 0;
    });

    public CriuUnusableFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root: native tests drive the real kernel and the crishim daemon";
        }
        else if (Works.Value)
        {
            Skip = "criu works on this host: the VM scenario checkpoint-restore covers a real checkpoint";
        }
    }
}
