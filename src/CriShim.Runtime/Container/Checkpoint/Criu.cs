using System.Diagnostics;
using CriShim.Contract;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Container.Checkpoint;

/// <summary>
/// The <c>criu</c> executable (<see cref="CriuExecutable"/>), checked once with <c>criu check</c>,
/// whose verdict is kept for the daemon's life (a kernel does not learn new features while it runs). On a
/// host where criu cannot work, every checkpoint answers FailedPrecondition with criu's own reason.
/// </summary>
public sealed class Criu
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(60);
    private readonly Lazy<Task<string?>> _verdict;

    /// <param name="path">The executable to use instead of the first criu on the sbin paths; it too counts only if it exists.</param>
    public Criu(string? path = null)
    {
        Path = path is null ? CriuExecutable.Find() : File.Exists(path) ? path : null;
        _verdict = new Lazy<Task<string?>>(CheckAsync);
    }

    /// <summary>The executable; null when criu is not installed.</summary>
    public string? Path { get; }

    /// <summary>Throws FailedPrecondition unless criu is installed and <c>criu check</c> passed on this kernel.</summary>
    public async Task EnsureUsableAsync()
    {
        if (Path is null)
        {
            throw new FailedPreconditionException("checkpoint/restore needs criu, which is not installed on this node: install criu (apt-get install criu)");
        }
        if (await _verdict.Value is { } reason)
        {
            throw new FailedPreconditionException($"criu cannot checkpoint or restore on this node ({Path} check failed): {reason}");
        }
    }

    /// <summary>Runs criu with <paramref name="args"/>; returns its exit code and what it wrote to stderr and stdout.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyList<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(Path ?? throw new InvalidOperationException("criu is not installed"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        using var stdoutPipe = process.StandardOutput;
        using var stderrPipe = process.StandardError;
        var stdout = stdoutPipe.ReadToEndAsync();
        var stderr = stderrPipe.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // criu leaves a dumped tree frozen only while it runs: killing it lets the tasks go on.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new DeadlineExceededException($"criu {args[0]} did not finish within {timeout.TotalSeconds:0} s");
        }
        return (process.ExitCode, ((await stderr).Trim() + "\n" + (await stdout).Trim()).Trim());
    }

    private async Task<string?> CheckAsync()
    {
        try
        {
            var (exitCode, output) = await RunAsync(["check"], CheckTimeout);
            return exitCode == 0 ? null : Reason(output, exitCode);
        }
        catch (Exception e) when (e is DeadlineExceededException or System.ComponentModel.Win32Exception or IOException)
        {
            return e.Message;
        }
    }

    /// <summary>See <see cref="CriuExecutable.Errors"/>.</summary>
    public static string Reason(string output, int exitCode) => CriuExecutable.Errors(output, exitCode);
}
