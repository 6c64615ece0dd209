using System.Text.Json;
using CriShim.Helper.Container;
using CriShim.Native;
using CriShim.Contract;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Exec;

/// <summary>
/// <c>exec &lt;spec&gt;</c>: runs a command in a running container and prints an <see cref="ExecResult"/>
/// with its captured output (<see cref="ExecLaunch"/> starts it). On timeout its whole process group is killed.
/// </summary>
internal static class ExecMode
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    public static int Run(string specFile)
    {
        ExecResult result;
        try
        {
            var spec = ContainerSpecFile.Read(specFile, ContainerJsonContext.Default.ExecSpec);
            result = Execute(spec, Path.GetFullPath(specFile));
        }
        catch (InitStageException e)
        {
            result = new ExecResult { ExitCode = ProcessExecution.ExitCodeOf(e.Failure), Error = e.Message, Failure = e.Failure };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result = new ExecResult { ExitCode = 128, Error = e.Message, Failure = StartFailure.Setup };
        }
        using (var stdout = Console.OpenStandardOutput())
        {
            JsonSerializer.Serialize(stdout, result, ContainerJsonContext.Default.ExecResult);
        }
        return result.Error is null ? 0 : 1;
    }

    private static ExecResult Execute(ExecSpec spec, string specFile)
    {
        if (spec.StageFiles is { } stageFiles)
        {
            SharedStageFiles.Ensure(stageFiles);
        }
        var (stdoutRead, stdoutWrite) = Descriptors.CreatePipe();
        var (stderrRead, stderrWrite) = Descriptors.CreatePipe();
        ChildProcess command;
        using (var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read))
        using (stdoutWrite)
        using (stderrWrite)
        {
            command = ExecLaunch.Start(spec, specFile, new Dictionary<int, SafeFileHandle> { [0] = devNull, [1] = stdoutWrite, [2] = stderrWrite });
        }
        var stdout = new OutputCapture(stdoutRead, spec.MaxOutputBytes);
        var stderr = new OutputCapture(stderrRead, spec.MaxOutputBytes);
        using var owned = command;
        var exited = Task.Factory.StartNew(() => command.WaitForExit(), TaskCreationOptions.LongRunning);
        var timedOut = spec.TimeoutMilliseconds > 0 && !exited.Wait(TimeSpan.FromMilliseconds(spec.TimeoutMilliseconds));
        if (timedOut)
        {
            // The command leads its own process group (new session): take its children with it.
            command.SignalGroup(Signals.SIGKILL);
        }
        var exit = exited.Result;
        Task.WaitAll([stdout.Completion, stderr.Completion], DrainTimeout);
        return new ExecResult
        {
            ExitCode = exit.ExitCode, Signal = exit.Signal, TimedOut = timedOut, Stdout = stdout.ToArray(), Stderr = stderr.ToArray(),
        };
    }
}
