using System.Diagnostics;
using System.Text.Json;
using CriShim.Contract;
using CriShim.Native;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Container;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Tests.Container.Lifecycle;

/// <summary>
/// The runtime helper as the lifecycle sees it, without namespaces or root: a real monitor process (a shell) runs the
/// spec's command on the host as its child, and, like crishim-runtime's monitor, writes exit.json when the command ends
/// and then exits; this side writes started.json and the pids into the cgroups' procs files as container-start does.
/// Both outlive the daemon instances that started them. Execs are not part of the lifecycle and are refused.
/// </summary>
internal sealed class FakeMonitorRuntime(DaemonConfig daemon) : IContainerRuntime, IDisposable
{
    /// <summary>Runs "$@" in the background, prints its pid, waits for it and records the exit as the monitor does.</summary>
    private const string MonitorScript = """
        dir=$1; shift
        "$@" </dev/null >/dev/null 2>&1 &
        child=$!
        echo $child
        wait $child
        code=$?
        printf '{"pid":%d,"exitCode":%d,"finishedAt":%s}' $child $code "$(date +%s%N)" > "$dir/exit.json.tmp"
        mv "$dir/exit.json.tmp" "$dir/exit.json"
        """;

    private readonly List<Process> _monitors = [];

    public RuntimeHandlers Handlers { get; } = new(daemon, new RuntimeHelperBinary("/nonexistent/crishim-runtime"));

    /// <summary>The error the next start answers with, as the helper reports a command it cannot execute.</summary>
    public string? NextStartError { get; set; }

    public async Task<ContainerStartResult> StartAsync(string runtimeHandler, string specFile)
    {
        var spec = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(specFile), ContainerJsonContext.Default.ContainerProcessSpec)!;
        if (NextStartError is { } error)
        {
            NextStartError = null;
            return new ContainerStartResult { Error = error, Failure = StartFailure.ExecutableNotFound };
        }
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", MonitorScript, "monitor", spec.StateDirectory }.Concat(spec.Process.Args))
        {
            info.ArgumentList.Add(arg);
        }
        var monitor = Process.Start(info)!;
        _monitors.Add(monitor);
        var pid = int.Parse((await monitor.StandardOutput.ReadLineAsync())!);
        var container = ProcessIdentity.Find(pid) ?? new ProcessIdentity(pid, 0);
        var monitorIdentity = ProcessIdentity.Find(monitor.Id) ?? new ProcessIdentity(monitor.Id, 0);
        await File.AppendAllTextAsync(Path.Combine(spec.Cgroups[0].Directory, CgroupFileNames.Procs), $"{pid}\n");
        await File.AppendAllTextAsync(Path.Combine(spec.MonitorCgroups[0].Directory, CgroupFileNames.Procs), $"{monitor.Id}\n");
        var started = new ContainerStartedRecord
        {
            Pid = pid,
            StartTime = container.StartTime,
            MonitorPid = monitor.Id,
            MonitorStartTime = monitorIdentity.StartTime,
            StartedAt = CriTimestamp.Now(),
        };
        AtomicFile.Write(Path.Combine(spec.StateDirectory, ContainerStateFiles.Started), started, ContainerJsonContext.Default.ContainerStartedRecord);
        return new ContainerStartResult
        {
            Pid = pid,
            StartTime = container.StartTime,
            MonitorPid = monitor.Id,
            MonitorStartTime = monitorIdentity.StartTime,
            StartedAt = started.StartedAt,
        };
    }

    public Task<ExecResult> ExecAsync(string runtimeHandler, string specFile, TimeSpan? timeout, CancellationToken cancel) =>
        throw new NotSupportedException("the lifecycle tests run no execs");

    public Task<CapturedChild> StartExecStreamAsync(string runtimeHandler, string specFile, string socket, CancellationToken cancel) =>
        throw new NotSupportedException("the lifecycle tests run no execs");

    public void Dispose()
    {
        foreach (var monitor in _monitors)
        {
            if (!monitor.HasExited)
            {
                monitor.Kill(entireProcessTree: true);
            }
            monitor.Dispose();
        }
    }
}
