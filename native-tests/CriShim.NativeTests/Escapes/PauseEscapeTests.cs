using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Escapes;

/// <summary>
/// In a pod with a shared PID namespace pause is PID 1. It lived in the host's mount namespace with
/// every capability, so a container with SYS_PTRACE listed the host's / through /proc/1/root, and any
/// container read the host's mount table in /proc/1/mountinfo. Pause is now a container too.
/// </summary>
[Collection("containers")]
public sealed class PauseEscapeTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task Pid_1_of_a_shared_pid_pod_shows_nothing_of_the_host_even_to_sys_ptrace()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("pauseesc", pid: NamespaceMode.Pod);
        var config = scene.Config("prober", "sh", "-c",
            "tr '\\0' ' ' < /proc/1/cmdline; echo; echo root:; ls -a /proc/1/root/ 2>&1; echo cwd:; ls -a /proc/1/cwd/ 2>&1; echo mounts:; cat /proc/1/mountinfo 2>&1; grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/1/status");
        config.Linux.SecurityContext.Capabilities = new Capability { AddCapabilities = { "SYS_PTRACE" } };
        config.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Pod };

        var id = await scene.RunAsync(pod, podConfig, config);
        var exited = await scene.WaitExitedAsync(id);
        var output = ContainerScene.LogContent(Path.Combine(podConfig.LogDirectory, "prober", "0.log"));

        Assert.True(exited.ExitCode == 0, output);
        Assert.StartsWith("/pause pause-confined ", output);
        var root = Section(output, "root:", "cwd:");
        var cwd = Section(output, "cwd:", "mounts:");
        var mounts = Section(output, "mounts:", "CapEff:");
        // Nothing but an empty root, whatever the host has at / (this host has /work, /usr, /etc...).
        Assert.All(root.Concat(cwd), entry => Assert.True(entry is "." or ".." || entry.Contains("denied", StringComparison.Ordinal), output));
        Assert.DoesNotContain(mounts, line => line.Contains(scene.Daemon.WorkDir, StringComparison.Ordinal) || line.Contains(" /work", StringComparison.Ordinal));
        Assert.Contains("CapEff:\t0000000000000000", output);
        Assert.Contains("CapBnd:\t0000000000000000", output);
        Assert.Contains("NoNewPrivs:\t1", output);
    }

    private static IReadOnlyList<string> Section(string output, string from, string to)
    {
        var start = output.IndexOf(from, StringComparison.Ordinal) + from.Length;
        var end = output.IndexOf(to, start, StringComparison.Ordinal);
        return output[start..(end < 0 ? output.Length : end)].Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
