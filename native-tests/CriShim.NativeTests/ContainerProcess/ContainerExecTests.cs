using System.Text;
using CriShim.Contract;
using CriShim.NativeTests.Infrastructure;
using static CriShim.NativeTests.ContainerProcess.ContainerProcessScene;

namespace CriShim.NativeTests.ContainerProcess;

/// <summary><c>crishim-runtime exec</c> into a running container.</summary>
[Collection("container-process")]
public sealed class ContainerExecTests
{
    [RootFact]
    public async Task Exec_runs_in_the_containers_namespaces_cgroup_and_identity()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("sleep", "1000");
        spec.Process.User = new ProcessUser { Uid = 1000, Gid = 1000, AdditionalGids = [10] };
        var started = await StartAsync(spec);
        Assert.Null(started.Error);

        var result = await ExecAsync(spec, started, spec.Process with
        {
            Args = ["sh", "-c", "echo out; echo err >&2; hostname; id; cat /proc/1/comm; readlink /proc/self/ns/net; readlink /proc/self/ns/mnt; grep -E 'memory|pids' /proc/self/cgroup; ls /etc/hostname; exit 3"],
        });

        var lines = Encoding.UTF8.GetString(result.Stdout).Split('\n');
        Assert.Null(result.Error);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("err\n", Encoding.UTF8.GetString(result.Stderr));
        Assert.Equal("out", lines[0]);
        Assert.Equal(PodHostname, lines[1]);
        Assert.Equal("uid=1000(app) gid=1000 groups=10", lines[2]);
        Assert.Equal("sleep", lines[3]);
        Assert.Equal(ReadlinkNamespace(scene.HolderPid, "net"), lines[4]);
        Assert.Equal(ReadlinkNamespace(started.Pid, "mnt"), lines[5]);
        Assert.Contains(lines, l => l.EndsWith($":memory:/{scene.Name}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith($":pids:/{scene.Name}", StringComparison.Ordinal));
        Assert.Contains($"memory:/{scene.Name}", File.ReadAllText($"/proc/{started.Pid}/cgroup"));
    }

    [RootFact]
    public async Task Exec_timeout_kills_the_command_and_its_children()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("sleep", "1000");
        var started = await StartAsync(spec);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await ExecAsync(spec, started, spec.Process with { Args = ["sh", "-c", "echo begun; sleep 500 & sleep 600"] }, timeoutMs: 500);

        Assert.True(result.TimedOut);
        Assert.Equal(137, result.ExitCode);
        Assert.Equal("begun\n", Encoding.UTF8.GetString(result.Stdout));
        Assert.InRange(watch.ElapsedMilliseconds, 400, 60_000);
        // Only the container's own sleep is left in its cgroup (plus the holder's cgroup mates: none in memory).
        Assert.Equal([started.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], File.ReadAllLines(scene.CgroupProcsFile("memory")));
    }

    [RootFact]
    public async Task Exec_of_a_missing_command_is_127_with_the_reason()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("sleep", "1000");
        var started = await StartAsync(spec);

        var result = await ExecAsync(spec, started, spec.Process with { Args = ["nope"] });

        Assert.Equal(127, result.ExitCode);
        Assert.Equal(StartFailure.ExecutableNotFound, result.Failure);
        Assert.Equal("exec: \"nope\": executable file not found in $PATH", result.Error);
    }

    [RootFact]
    public async Task Exec_output_is_capped_per_stream()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("sleep", "1000");
        var started = await StartAsync(spec);
        var exec = new ExecSpec
        {
            ContainerPid = started.Pid, ContainerStartTime = started.StartTime, MaxOutputBytes = 1000,
            Process = spec.Process with { Args = ["sh", "-c", "head -c 5000 /dev/zero; head -c 3000 /dev/zero >&2"] },
        };
        var file = Path.Combine(scene.Root, "capped.json");
        await File.WriteAllBytesAsync(file, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(exec, ContainerJsonContext.Default.ExecSpec));

        var (_, output) = await Shell.TryRunBinary("crishim-runtime", "exec", file);
        var result = System.Text.Json.JsonSerializer.Deserialize(output, ContainerJsonContext.Default.ExecResult)!;

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(1000, result.Stdout.Length);
        Assert.Equal(1000, result.Stderr.Length);
    }

    [RootFact]
    public async Task Exec_into_a_container_that_is_gone_says_so()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("true");
        var started = await StartAsync(spec);
        await WaitForExitAsync(spec);

        var result = await ExecAsync(spec, started, spec.Process with { Args = ["true"] });

        Assert.Contains("is not running", result.Error);
    }
}
