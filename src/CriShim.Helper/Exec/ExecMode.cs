using System.Globalization;
using System.Text.Json;
using CriShim.Helper.Container;
using CriShim.Native;
using CriShim.Native.Protocol;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Exec;

/// <summary>
/// <c>exec &lt;spec&gt;</c>: runs a command in a running container and prints an <see cref="ExecResult"/>
/// with its captured output. The PID namespace is joined on the main thread and the next stage
/// (<c>exec-init</c>) spawned from it, before any mount namespace is joined (DESIGN.md); it is moved into
/// the container's cgroup before it may go on. On timeout its whole process group is killed.
/// </summary>
internal static class ExecMode
{
    private static readonly TimeSpan InitTimeout = TimeSpan.FromSeconds(60);
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
        var container = new ProcessIdentity(spec.ContainerPid, spec.ContainerStartTime);
        if (!container.IsAlive)
        {
            throw new InitStageException(StartFailure.Setup, $"the container process {spec.ContainerPid} is not running");
        }
        var (stdoutRead, stdoutWrite) = Descriptors.CreatePipe();
        var (stderrRead, stderrWrite) = Descriptors.CreatePipe();
        var (parentEnd, childEnd) = Descriptors.CreateSocketPair();
        using var sync = parentEnd;
        int pid;
        using (var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read))
        using (stdoutWrite)
        using (stderrWrite)
        using (childEnd)
        {
            try
            {
                Namespaces.JoinCurrentThread($"/proc/{spec.ContainerPid.ToString(CultureInfo.InvariantCulture)}/ns/pid", NamespaceKinds.Pid);
            }
            catch (ErrnoException e)
            {
                throw new InitStageException(StartFailure.Setup, "joining the container PID namespace: " + e.Message);
            }
            var self = Environment.ProcessPath!;
            pid = new ProcessSpawner
            {
                Path = self,
                Args = [self, "exec-init", specFile],
                Descriptors = new Dictionary<int, SafeFileHandle> { [0] = devNull, [1] = stdoutWrite, [2] = stderrWrite, [InitSyncChannel.ChildDescriptor] = childEnd },
                NewSession = true,
            }.Spawn();
            PidNamespaceForChildren.Restore();
        }
        var stdout = new OutputCapture(stdoutRead, spec.MaxOutputBytes);
        var stderr = new OutputCapture(stderrRead, spec.MaxOutputBytes);
        try
        {
            foreach (var procs in spec.CgroupProcsFiles)
            {
                File.WriteAllText(procs, pid.ToString(CultureInfo.InvariantCulture));
            }
            InitSyncChannel.SendGo(sync);
            if (InitSyncChannel.ReadOutcome(sync, InitTimeout) is { } failure)
            {
                throw new InitStageException(failure.Failure, failure.Message);
            }
        }
        catch
        {
            Processes.Signal(pid, Signals.SIGKILL);
            ChildExit.Wait(pid);
            throw;
        }
        var exited = Task.Factory.StartNew(() => ChildExit.Wait(pid), TaskCreationOptions.LongRunning);
        var timedOut = spec.TimeoutMilliseconds > 0 && !exited.Wait(TimeSpan.FromMilliseconds(spec.TimeoutMilliseconds));
        if (timedOut)
        {
            // The command leads its own process group (new session): take its children with it.
            Processes.Signal(-pid, Signals.SIGKILL);
        }
        var exit = exited.Result;
        Task.WaitAll([stdout.Completion, stderr.Completion], DrainTimeout);
        return new ExecResult
        {
            ExitCode = exit.ExitCode, Signal = exit.Signal, TimedOut = timedOut, Stdout = stdout.ToArray(), Stderr = stderr.ToArray(),
        };
    }
}
