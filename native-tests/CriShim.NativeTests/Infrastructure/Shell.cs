using System.Diagnostics;

namespace CriShim.NativeTests.Infrastructure;

/// <summary>Runs host commands (ip, iptables, stat, the built binaries) for tests to check the kernel's view.</summary>
public static class Shell
{
    public static Task<(int Code, string Output)> TryRun(string file, params string[] args) => TryRunIn(null, file, args);

    /// <summary><see cref="TryRun"/> in <paramref name="directory"/> (null: ours).</summary>
    public static async Task<(int Code, string Output)> TryRunIn(string? directory, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory ?? "" };
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

    /// <summary>
    /// Runs a long tool (crictl scripts, critest) with stdout and stderr interleaved line by line as they came,
    /// <paramref name="stdin"/> written first when given; after <paramref name="timeout"/> it is killed with its
    /// children and its output so far returned.
    /// </summary>
    public static async Task<(int Code, string Output)> RunInterleaved(ProcessStartInfo info, TimeSpan timeout, string? stdin = null)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = stdin is not null;
        using var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.Append(line).Append('\n');
                }
            }
        }
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
