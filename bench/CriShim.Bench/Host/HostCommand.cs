using System.Diagnostics;

namespace CriShim.Bench.Host;

/// <summary>Runs host tools (ip, iptables, umount, ldd) and returns their exit code and output.</summary>
public static class HostCommand
{
    public static async Task<(int Code, string Output)> TryRunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    public static async Task<string> RunAsync(string file, params string[] args)
    {
        var (code, output) = await TryRunAsync(file, args);
        return code == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {code}: {output.Trim()}");
    }
}
