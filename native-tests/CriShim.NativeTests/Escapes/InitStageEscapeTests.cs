using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Escapes;

/// <summary>
/// The init stages (container-init, exec-init) were spawned into the pod's PID namespace from the host's mount
/// namespace and left it only afterwards: in a pod with a shared PID namespace any container read the host's
/// mount table in /proc/&lt;stage&gt;/mountinfo, and one with SYS_PTRACE listed the host's / through
/// /proc/&lt;stage&gt;/root. A watcher container scans /proc while ExecSyncs and container starts run in its pod,
/// and inspects every process that is neither its own nor a container's command.
/// </summary>
[Collection("containers")]
public sealed class InitStageEscapeTests(ContainerImagesFixture images)
{
    private const int Execs = 60;
    private const int Starts = 4;

    /// <summary>
    /// For each foreign pid: its cmdline, whether the host's copy of the daemon's work directory is reachable
    /// through its root, and the mount points of its mount namespace.
    /// </summary>
    private const string Watcher = """
        while [ ! -e /tmp/stop ]; do
          for d in /proc/[0-9]*; do
            { read -r comm < $d/comm; } 2>/dev/null || continue
            case $comm in sh|sleep|pause|true) continue ;; esac
            echo "== ${d#/proc/} $comm"
            echo "cmd $(tr '\0' ' ' < $d/cmdline 2>/dev/null)"
            if ls $d/root$HOSTDIR > /dev/null 2>&1; then echo host-root-reachable; fi
            echo "mounts $(cut -d' ' -f5 $d/mountinfo 2>/dev/null | tr '\n' ' ')"
          done
        done
        echo finished
        """;

    [RootFact]
    public async Task No_init_stage_shows_a_host_mount_to_a_shared_pid_pod_even_with_sys_ptrace()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("stageesc", pid: NamespaceMode.Pod);
        var watcher = scene.Config("watcher", "sh", "-c", Watcher);
        watcher.Envs.Add(new KeyValue { Key = "HOSTDIR", Value = scene.Daemon.WorkDir });
        watcher.Linux.SecurityContext.Capabilities = new Capability { AddCapabilities = { "SYS_PTRACE" } };
        watcher.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Pod };
        var watcherId = await scene.RunAsync(pod, podConfig, watcher);
        var target = scene.Config("target", "sleep", "1000");
        target.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Pod };
        var targetId = await scene.RunAsync(pod, podConfig, target);

        for (var i = 0; i < Execs; i++)
        {
            Assert.Equal(0, (await scene.ExecAsync(targetId, 10, "true")).ExitCode);
            if (i % (Execs / Starts) == 0)
            {
                var starter = scene.Config($"starter{i}", "true");
                starter.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Pod };
                await scene.RunAsync(pod, podConfig, starter);
            }
        }
        await scene.ExecAsync(watcherId, 10, "touch", "/tmp/stop");
        await scene.WaitExitedAsync(watcherId, 60);
        var output = ContainerScene.LogContent(Path.Combine(podConfig.LogDirectory, "watcher", "0.log"));

        Assert.EndsWith("finished\n", output);
        var seen = output.Split("== ", StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.All(seen, process =>
        {
            Assert.DoesNotContain("host-root-reachable", process);
            var mounts = process.Split('\n').FirstOrDefault(l => l.StartsWith("mounts ", StringComparison.Ordinal)) ?? "";
            Assert.DoesNotContain(scene.Daemon.WorkDir, mounts);
        });
        // Without a caught stage the test proves nothing: say so rather than pass.
        var stages = seen.Count(p => p.Contains("exec-init ", StringComparison.Ordinal) || p.Contains("container-init ", StringComparison.Ordinal));
        Assert.True(stages > 0, $"the watcher caught no init stage in {Execs} execs and {Starts} starts:\n{output}");
    }
}
