using System.Text.Json;
using CriShim.Helper.Container;
using CriShim.Helper.Stdio;
using CriShim.Native;
using CriShim.Contract;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Monitor;

/// <summary>
/// <c>container-monitor &lt;spec&gt;</c>: the container's parent for its whole life, in its own session and
/// not a child of the daemon. On its main thread it joins the pod's namespaces, builds the container's tree
/// in a stage root that holds nothing of the host (<see cref="RootfsSetup.Prepare"/>), spawns the init stage
/// from there and goes back to the host's mounts; it moves the stage into the container's cgroup before
/// letting it run, reports the start on fd 1
/// (a pipe to <c>container-start</c>), then logs the output and passes it to attached clients
/// (<see cref="AttachSocket"/>), reopens the log on SIGUSR1 and records the exit in exit.json once the
/// container ended and its output is drained.
/// </summary>
internal static class ContainerMonitorMode
{
    private static readonly int[] Handled = [Signals.SIGCHLD, MonitorSignals.ReopenLog, Signals.SIGTERM, Signals.SIGINT, Signals.SIGHUP];
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The signals the monitor expects blocked from its first instruction (container-start spawns it so).</summary>
    public static IReadOnlyList<int> BlockedSignals => Handled;

    public static int Run(string specFile)
    {
        if (!Signals.AreBlocked(Handled))
        {
            // Only a fresh image makes every runtime thread inherit the mask that signalfd needs.
            Signals.Block(Handled);
            Processes.Exec(Environment.ProcessPath!, [Environment.ProcessPath!, "container-monitor", specFile], []);
        }
        using var signals = new SignalFd(Handled);
        ContainerProcessSpec spec;
        try
        {
            spec = ContainerSpecFile.Read(specFile, ContainerJsonContext.Default.ContainerProcessSpec);
        }
        catch (InitStageException e)
        {
            Report(new ContainerStartResult { Error = e.Message, Failure = e.Failure });
            return 1;
        }
        try
        {
            CgroupMembership.Join(spec.MonitorCgroups, Environment.ProcessId);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report(new ContainerStartResult { Error = "moving the monitor out of the daemon's cgroup: " + e.Message, Failure = StartFailure.Setup });
            return 1;
        }
        var stdio = ProcessStdio.Create(spec.Process);
        AttachSocket attachSocket;
        try
        {
            attachSocket = AttachSocket.Listen(spec.StateDirectory);
        }
        catch (ErrnoException e)
        {
            Fail(spec, 0, StartFailure.Setup, "creating the attach socket: " + e.Message);
            return 1;
        }
        using var attach = attachSocket;
        using var log = new CriLogWriter(spec.LogPath);
        var oomKillsBefore = OomKills.Read(spec.OomKillCounter);
        ChildProcess container;
        ContainerStartedRecord started;
        try
        {
            (container, started) = Start(spec, specFile, stdio);
        }
        catch (InitStageException e)
        {
            Fail(spec, 0, e.Failure, e.Message);
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(spec, 0, StartFailure.Setup, e.Message);
            return 1;
        }
        AtomicFile.Write(Path.Combine(spec.StateDirectory, ContainerStateFiles.Started), started, ContainerJsonContext.Default.ContainerStartedRecord);
        Report(new ContainerStartResult
        {
            MonitorPid = started.MonitorPid, MonitorStartTime = started.MonitorStartTime, Pid = started.Pid,
            StartTime = started.StartTime, StartedAt = started.StartedAt, OomScoreAdj = started.OomScoreAdj,
        });

        attach.Serve(stdio, spec.Process.StdinOnce);
        var pumps = stdio.Outputs
            .Select(o => StartPump(new CriLogStream(log, o.Stream, spec.LogMaxLineBytes), o.Source, chunk => attach.Broadcast(o.Channel, chunk)))
            .ToList();
        IdleMemory.Release();
        var exit = WaitForExit(container, signals, log);
        container.Dispose();
        // Orphans in a shared PID namespace may hold the pipes open forever; do not wait for them.
        var drained = Task.WaitAll([.. pumps], DrainTimeout);
        log.Dispose();
        if (drained)
        {
            stdio.Dispose();
        }
        AtomicFile.Write(Path.Combine(spec.StateDirectory, ContainerStateFiles.Exit), new ContainerExitRecord
        {
            Pid = exit.Pid, ExitCode = exit.ExitCode, Signal = exit.Signal, FinishedAt = CriTimestamp.Now(),
            OomKilled = OomKills.Read(spec.OomKillCounter) > oomKillsBefore,
        }, ContainerJsonContext.Default.ContainerExitRecord);
        attach.Finish(exit.ExitCode, exit.Signal);
        return 0;
    }

    private static (ChildProcess Container, ContainerStartedRecord Started) Start(ContainerProcessSpec spec, string specFile, ProcessStdio stdio)
    {
        if (spec.Restore is { } restore)
        {
            return CriuRestoreLaunch.Start(spec, restore, stdio);
        }
        HostVolumePropagation.Prepare(spec.Mounts);
        using var pidNamespace = JoinNamespaces(spec.Namespaces);
        ProcessIdentity identity = default;
        int? oomScoreAdj = null;
        var container = InitStageLaunch.Start(stdio.ChildDescriptors, descriptors =>
        {
            // Facts that decide what the container may do come from the host's view, before anything of the container exists.
            var lastCapability = ThreadCapabilities.ReadLastCapability();
            // The pin is out of view once the stage root is entered; the tree is id-mapped with it and the init stage enters it.
            using var userNamespace = spec.Namespaces.UserPath is { } path ? ContainerUserNamespaceStage.Open(path) : null;
            using var stage = InitStageRoot.Leave();
            RootfsSetup.Prepare(spec, specFile, userNamespace);
            return stage.Spawn(() => JoinPidNamespace(spec.Namespaces.PidMode, pidNamespace), "container-init", lastCapability, descriptors, userNamespace);
        }, stage =>
        {
            stdio.CloseChildEnds();
            // Still waiting for "go": alive, and its start time stays the same across execve.
            identity = ProcessIdentity.Find(stage.Pid) ?? throw new InitStageException(StartFailure.Internal, "the init stage died at once");
            JoinCgroup(spec.Cgroups, stage.Pid);
            oomScoreAdj = spec.OomScoreAdj is { } wanted ? OomScore.Apply(stage.Pid, wanted) : null;
        });
        var monitor = ProcessIdentity.Find(Environment.ProcessId)!.Value;
        return (container, new ContainerStartedRecord
        {
            Pid = container.Pid, StartTime = identity.StartTime, MonitorPid = monitor.Pid, MonitorStartTime = monitor.StartTime,
            StartedAt = CriTimestamp.Now(), OomScoreAdj = oomScoreAdj,
        });
    }

    /// <summary>
    /// On the main thread, which spawns the init stage (DESIGN.md: namespaces are per thread): joins the pod's
    /// net, IPC and UTS namespaces and opens the PID namespace to join (<see cref="JoinPidNamespace"/>) once
    /// the thread left the host's mounts. Null when the PID namespace is the host's or a new one.
    /// </summary>
    private static SafeFileHandle? JoinNamespaces(ContainerNamespaces namespaces)
    {
        try
        {
            foreach (var (path, kind) in new[] { (namespaces.NetworkPath, NamespaceKinds.Network), (namespaces.IpcPath, NamespaceKinds.Ipc), (namespaces.UtsPath, NamespaceKinds.Uts) })
            {
                if (path is not null)
                {
                    Namespaces.JoinCurrentThread(path, kind);
                }
            }
            return namespaces.PidMode == PidNamespaceMode.Join
                ? Namespaces.Open(namespaces.PidPath ?? throw new InitStageException(StartFailure.InvalidSpec, "PID mode Join needs a PID namespace path"))
                : null;
        }
        catch (ErrnoException e)
        {
            throw new InitStageException(StartFailure.Setup, "joining the pod namespaces: " + e.Message);
        }
    }

    /// <summary>Points the thread's children at the container's PID namespace: a new one, or the pod's.</summary>
    private static void JoinPidNamespace(PidNamespaceMode mode, SafeFileHandle? pod)
    {
        try
        {
            if (mode == PidNamespaceMode.New)
            {
                Namespaces.UnshareCurrentThread(NamespaceKinds.Pid);
            }
            else if (pod is not null)
            {
                Namespaces.JoinCurrentThread(pod, NamespaceKinds.Pid);
            }
        }
        catch (ErrnoException e)
        {
            throw new InitStageException(StartFailure.Setup, "joining the pod's PID namespace: " + e.Message);
        }
    }

    /// <summary>Before anything else: whatever the monitor spawns from here on starts outside the daemon's cgroup too.</summary>
    private static void JoinCgroup(IReadOnlyList<CgroupPlacement> placements, int pid)
    {
        try
        {
            CgroupMembership.Join(placements, pid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InitStageException(StartFailure.Setup, $"moving the container into its cgroup: {e.Message}");
        }
    }

    private static ChildExit WaitForExit(ChildProcess container, SignalFd signals, CriLogWriter log)
    {
        while (true)
        {
            if (container.TryReap() is { } exit)
            {
                return exit;
            }
            if (signals.Read() == MonitorSignals.ReopenLog)
            {
                log.Reopen();
            }
        }
    }

    private static Task StartPump(CriLogStream stream, SafeFileHandle source, OutputChunk tee)
    {
        var thread = new TaskCompletionSource();
        new Thread(() =>
        {
            stream.Pump((int)source.DangerousGetHandle(), tee);
            thread.SetResult();
        }) { IsBackground = true }.Start();
        return thread.Task;
    }

    private static void Fail(ContainerProcessSpec spec, int pid, StartFailure failure, string message)
    {
        AtomicFile.Write(Path.Combine(spec.StateDirectory, ContainerStateFiles.Exit), new ContainerExitRecord
        {
            Pid = pid, ExitCode = ProcessExecution.ExitCodeOf(failure), FinishedAt = CriTimestamp.Now(), StartError = message,
        }, ContainerJsonContext.Default.ContainerExitRecord);
        Report(new ContainerStartResult { Error = message, Failure = failure });
    }

    /// <summary>Writes the start result to fd 1 (container-start's pipe) and lets go of that pipe.</summary>
    private static void Report(ContainerStartResult result)
    {
        Descriptors.WriteAll(1, JsonSerializer.SerializeToUtf8Bytes(result, ContainerJsonContext.Default.ContainerStartResult));
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
        Descriptors.Duplicate(devNull, 1);
    }
}
