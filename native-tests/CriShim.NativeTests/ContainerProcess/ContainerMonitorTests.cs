using System.Diagnostics;
using System.Text.Json;
using CriShim.Native;
using CriShim.Contract;
using CriShim.NativeTests.Infrastructure;
using static CriShim.NativeTests.ContainerProcess.ContainerProcessScene;

namespace CriShim.NativeTests.ContainerProcess;

/// <summary>The monitor: CRI log records, exit records, log reopening, independence from its launcher.</summary>
[Collection("container-process")]
public sealed class ContainerMonitorTests
{
    [RootFact]
    public async Task Log_records_are_byte_exact_with_long_lines_split_and_a_final_partial()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("sh", "-c",
            "printf 'first\\n\\nwith-cr\\r\\n'; printf 'oops\\n' >&2; head -c 40000 /dev/zero | tr '\\0' x; printf '\\n'; printf 'no-newline'");
        spec.LogMaxLineBytes = 16384;

        var (exit, log) = await RunToExitAsync(spec);

        Assert.Equal(0, exit.ExitCode);
        var stdout = log.Where(r => r.Stream == "stdout").Select(r => (r.Tag, r.Content)).ToList();
        Assert.Equal(
        [
            ("F", "first"), ("F", ""), ("F", "with-cr"),
            ("P", new string('x', 16384)), ("P", new string('x', 16384)), ("F", new string('x', 40000 - 2 * 16384)),
            ("P", "no-newline"),
        ], stdout);
        Assert.Equal([("stderr", "F", "oops")], log.Where(r => r.Stream == "stderr").Select(r => (r.Stream, r.Tag, r.Content)));
        Assert.All(log, r => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$", r.Timestamp));
    }

    [RootFact]
    public async Task Exit_code_and_signal_are_recorded_atomically()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var failing = scene.Spec("sh", "-c", "exit 7");
        var killed = scene.Spec("sleep", "1000");

        var (exit, _) = await RunToExitAsync(failing);
        var started = await StartAsync(killed);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        Processes.Signal(started.Pid, Signals.SIGKILL);
        var killedExit = await WaitForExitAsync(killed);

        Assert.Equal(7, exit.ExitCode);
        Assert.Equal(0, exit.Signal);
        Assert.Equal(137, killedExit.ExitCode);
        Assert.Equal(9, killedExit.Signal);
        Assert.Equal(started.Pid, killedExit.Pid);
        Assert.InRange(killedExit.FinishedAt, before, before + 10_000_000_000);
        Assert.False(killedExit.OomKilled);
        Assert.Equal([ContainerStateFiles.Exit, ContainerStateFiles.MonitorLog, ContainerStateFiles.Started], Directory.GetFiles(killed.StateDirectory).Select(Path.GetFileName).Order());
        var record = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(killed.StateDirectory, "started.json")), ContainerJsonContext.Default.ContainerStartedRecord)!;
        Assert.Equal((started.Pid, started.StartTime, started.MonitorPid), (record.Pid, record.StartTime, record.MonitorPid));
    }

    [RootFact]
    public async Task Oom_kill_in_the_container_cgroup_is_reported()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        File.WriteAllText(CgroupDirectory("memory", scene.Name) + "/memory.limit_in_bytes", (16 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var spec = scene.Spec("sh", "-c", "head -c 200000000 /dev/zero | tail > /dev/null");

        var (exit, _) = await RunToExitAsync(spec);

        Assert.True(exit.OomKilled, $"exit {exit.ExitCode} without an OOM kill");
    }

    [RootFact]
    public async Task Sigusr1_reopens_the_log_at_its_path()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("sh", "-c", "echo before; while [ ! -e /signal/go ]; do sleep 0.05; done; echo after");
        var signal = WithSignalVolume(scene, spec);
        var started = await StartAsync(spec);
        await WaitForLogAsync(spec.LogPath!, "before");

        File.Move(spec.LogPath!, spec.LogPath + ".1");
        Processes.Signal(started.MonitorPid, 10);
        for (var i = 0; i < 100 && !File.Exists(spec.LogPath); i++)
        {
            await Task.Delay(20);
        }
        File.WriteAllText(Path.Combine(signal, "go"), "");
        await WaitForExitAsync(spec);

        Assert.Equal(["before"], ReadLog(spec.LogPath + ".1").Select(r => r.Content));
        Assert.Equal(["after"], ReadLog(spec.LogPath!).Select(r => r.Content));
    }

    [RootFact]
    public async Task Monitor_is_in_its_own_session_and_outlives_its_launchers_parent()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("sh", "-c", "while [ ! -e /signal/go ]; do sleep 0.05; done; echo still-logged");
        var signal = WithSignalVolume(scene, spec);
        await File.WriteAllBytesAsync(SpecFile(spec), JsonSerializer.SerializeToUtf8Bytes(spec, ContainerJsonContext.Default.ContainerProcessSpec));
        var output = Path.Combine(scene.Root, "start-output.json");
        // A stand-in daemon: starts the launcher, then dies itself.
        using var daemon = Process.Start(new ProcessStartInfo("sh", ["-c", $"{Repository.Binary("crishim-runtime")} container-start {SpecFile(spec)} > {output}; sleep 1000"]))!;
        for (var i = 0; i < 250 && new FileInfo(output) is { Exists: false } or { Length: 0 }; i++)
        {
            await Task.Delay(20);
        }
        var started = JsonSerializer.Deserialize(File.ReadAllBytes(output), ContainerJsonContext.Default.ContainerStartResult)!;
        daemon.Kill();
        await daemon.WaitForExitAsync();

        var monitor = new ProcessIdentity(started.MonitorPid, started.MonitorStartTime);
        Assert.True(monitor.IsAlive);
        var stat = File.ReadAllText($"/proc/{started.MonitorPid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        Assert.NotEqual(daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), fields[1]);
        Assert.Equal(started.MonitorPid.ToString(System.Globalization.CultureInfo.InvariantCulture), fields[3]);
        File.WriteAllText(Path.Combine(signal, "go"), "");
        var exit = await WaitForExitAsync(spec);
        Assert.Equal(0, exit.ExitCode);
        Assert.Equal(["still-logged"], ReadLog(spec.LogPath!).Select(r => r.Content));
        Assert.True(Processes.WaitForExit(monitor, TimeSpan.FromSeconds(5)));
    }

    [RootFact]
    public async Task Tty_container_writes_its_terminal_output_as_stdout()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("sh", "-c", "test -t 0 && test -t 1 && test -t 2 && echo is-a-terminal; echo on-terminal >&2");
        spec.Process.Tty = true;

        var (exit, log) = await RunToExitAsync(spec);

        Assert.Equal(0, exit.ExitCode);
        Assert.All(log, r => Assert.Equal("stdout", r.Stream));
        Assert.Equal("is-a-terminal", log[0].Content);
        Assert.Equal("on-terminal", log[1].Content);
    }

    /// <summary>A host directory bound at /signal: the test lets the container go on by creating /signal/go.</summary>
    private static string WithSignalVolume(ContainerProcessScene scene, ContainerProcessSpec spec)
    {
        var directory = Directory.CreateDirectory(Path.Combine(scene.Root, "signal-" + spec.Id)).FullName;
        spec.Mounts = [new ContainerMount { ContainerPath = "/signal", HostPath = directory }];
        return directory;
    }

    private static async Task WaitForLogAsync(string path, string content)
    {
        for (var i = 0; i < 250; i++)
        {
            if (File.Exists(path) && File.ReadAllText(path).Contains(content))
            {
                return;
            }
            await Task.Delay(20);
        }
        Assert.Fail($"{path} never got {content}");
    }
}
