using System.Diagnostics;

namespace CriShim.NativeTests.Infrastructure;

/// <summary>Runs host commands (ip, iptables, stat, the built binaries) for tests to check the kernel's view.</summary>
public static class Shell
{
    public static async Task<(int Code, string Output)> TryRun(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Runs and returns the output; a non-zero exit fails the test with that output.</summary>
    public static async Task<string> Run(string file, params string[] args)
    {
        var (code, output) = await TryRun(file, args);
        Assert.True(code == 0, $"{file} {string.Join(' ', args)} exited {code}: {output}");
        return output;
    }

    public static Task<(int Code, string Output)> TryRunBinary(string name, params string[] args) =>
        TryRun(Repository.Binary(name), args);
}
