using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.NativeTests.Streaming;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Escapes;

/// <summary>
/// runc's CVE-2024-21626 class: a host descriptor (a directory of the host above all) left open across
/// execve lets the container reach the host through /proc/self/fd or a cwd outside its root. runc's
/// check: a container process and an exec'd one hold only 0, 1 and 2 (CRI asks for no other), and their cwd is
/// inside. Checked for ExecSync, for streamed execs with and without a terminal and for a container on a terminal:
/// each starts through a different path (exec, exec-stream with pipes or a pseudo-terminal, the monitor's pty).
/// </summary>
[Collection("containers")]
public sealed class DescriptorLeakEscapeTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task Container_and_exec_processes_hold_only_stdio_and_a_cwd_inside_the_container()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("fdesc");
        var config = scene.Config("holder", "sleep", "1000");
        config.WorkingDir = "/tmp";
        config.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Container };
        var id = await scene.RunAsync(pod, podConfig, config);

        var init = await scene.ExecAsync(id, 10, "sh", "-c", "ls /proc/1/fd; readlink /proc/1/cwd; readlink /proc/1/root");
        var exec = await scene.ExecAsync(id, 10, "sh", "-c", "ls /proc/$$/fd; readlink /proc/$$/cwd; readlink /proc/$$/root");

        Assert.Equal((0, "0\n1\n2\n/tmp\n/\n"), (init.ExitCode, init.Stdout));
        Assert.Equal((0, "0\n1\n2\n/tmp\n/\n"), (exec.ExitCode, exec.Stdout));
    }

    [RootFact]
    public async Task A_tty_container_and_streamed_execs_hold_only_stdio_and_a_cwd_inside_the_container()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("fdesctty");
        var config = scene.Config("ttyholder", "sleep", "1000");
        config.Tty = true;
        config.Stdin = true;
        config.WorkingDir = "/tmp";
        config.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Container };
        var id = await scene.RunAsync(pod, podConfig, config);
        var streaming = RuntimeStreamingView.Of(scene.Daemon);

        var init = await scene.ExecAsync(id, 10, "sh", "-c", "ls /proc/1/fd; readlink /proc/1/cwd; readlink /proc/1/root");
        Assert.Equal((0, "0\n1\n2\n/tmp\n/\n"), (init.ExitCode, init.Stdout));
        foreach (var tty in new[] { false, true })
        {
            var client = new ClientStdio(stdin: false, tty: tty);
            var code = await streaming.ExecAsync(id, ["sh", "-c", "ls -1 /proc/$$/fd; readlink /proc/$$/cwd; readlink /proc/$$/root"], tty, client.Streams, CancellationToken.None);

            Assert.Equal((0, "0\n1\n2\n/tmp\n/\n"), (code, client.Stdout.Text.Replace("\r\n", "\n", StringComparison.Ordinal)));
        }
    }
}
