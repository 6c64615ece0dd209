using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;

namespace CriShim.NativeTests.Streaming;

/// <summary>Attach through the runtime's <c>ContainerStreaming</c> to the attach socket of the real container monitor.</summary>
[Collection("containers")]
public sealed class RuntimeAttachTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task Attached_clients_share_output_stdin_reaches_cat_and_it_is_logged()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (podId, podConfig) = await scene.PodAsync("sr-attach-cat");
        var config = scene.Config("cat", "cat");
        config.Stdin = true;
        var id = await scene.RunAsync(podId, podConfig, config);
        var streaming = RuntimeStreamingView.Of(scene.Daemon);
        var socket = Path.Combine(scene.Daemon.State, "containers", id, "attach");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));

        using var detach = new CancellationTokenSource();
        var typist = new ClientStdio();
        var watcher = new ClientStdio(stdin: false);
        Assert.Equal(id, streaming.CheckAttach(new AttachRequest { ContainerId = id[..12], Stdin = true, Stdout = true }));
        var typing = streaming.AttachAsync(id, typist.Streams, detach.Token);
        var watching = streaming.AttachAsync(id, watcher.Streams, detach.Token);
        await Eventually.RepeatUntilAsync(() => typist.TypeAsync("ping\n"), () => watcher.Stdout.Text.Contains("ping\n", StringComparison.Ordinal), "output on the second client");
        await typist.Stdout.WaitForAsync(t => t.Contains("ping\n", StringComparison.Ordinal), "the echo");
        await typist.TypeAsync("second line\n");
        await watcher.Stdout.WaitForAsync(t => t.Contains("second line\n", StringComparison.Ordinal), "the second line");
        Assert.Contains("second line\n", ContainerScene.LogContent(Path.Combine(scene.LogDirectory, "sr-attach-cat", "cat/0.log")));

        // Without stdin_once, a client closing its stdin ends its own session and leaves the container's
        // stdin open for the next one (containerd's semantics); the others stay attached.
        await typist.CloseStdinAsync();
        await typing.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(watching.IsCompleted);
        Assert.Equal(ContainerState.ContainerRunning, (await scene.StatusAsync(id)).State);
        await detach.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching.WaitAsync(TimeSpan.FromSeconds(10)));

        var next = new ClientStdio();
        using var detachNext = new CancellationTokenSource();
        var again = streaming.AttachAsync(id, next.Streams, detachNext.Token);
        await Eventually.RepeatUntilAsync(() => next.TypeAsync("again\n"), () => next.Stdout.Text.Contains("again\n", StringComparison.Ordinal), "echo for the next client");
        await detachNext.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => again.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(ContainerState.ContainerRunning, (await scene.StatusAsync(id)).State);
    }

    [RootFact]
    public async Task Stdin_once_closes_stdin_after_the_first_client_and_the_exit_ends_the_session_with_all_output()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (podId, podConfig) = await scene.PodAsync("sr-attach-once");
        var config = scene.Config("once", "sh", "-c", "cat; echo stdin closed; exit 4");
        config.Stdin = true;
        config.StdinOnce = true;
        var id = await scene.RunAsync(podId, podConfig, config);
        var streaming = RuntimeStreamingView.Of(scene.Daemon);
        var client = new ClientStdio();

        var attach = streaming.AttachAsync(id, client.Streams, CancellationToken.None);
        await Eventually.RepeatUntilAsync(() => client.TypeAsync("a\n"), () => client.Stdout.Text.Contains("a\n", StringComparison.Ordinal), "the echo");
        await client.CloseStdinAsync();

        await attach.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.EndsWith("a\nstdin closed\n", client.Stdout.Text, StringComparison.Ordinal);
        var status = await scene.WaitExitedAsync(id);
        Assert.Equal(4, status.ExitCode);
        Assert.False(File.Exists(Path.Combine(scene.Daemon.State, "containers", id, "attach")), "the monitor leaves its attach socket behind");
        Assert.Contains("not running", Assert.Throws<FailedPreconditionException>(() => streaming.CheckAttach(new AttachRequest { ContainerId = id, Stdout = true })).Message);
        await Assert.ThrowsAsync<FailedPreconditionException>(() => streaming.AttachAsync(id, new ClientStdio().Streams, CancellationToken.None));
    }

    [RootFact]
    public async Task A_container_exit_ends_every_session_after_all_its_output()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (podId, podConfig) = await scene.PodAsync("sr-attach-exit");
        var config = scene.Config("counter", "sh", "-c", "read go; seq 1 30000; seq 1 100 >&2; exit 2");
        config.Stdin = true;
        var id = await scene.RunAsync(podId, podConfig, config);
        var streaming = RuntimeStreamingView.Of(scene.Daemon);
        var typist = new ClientStdio();
        var watcher = new ClientStdio(stdin: false);

        var typing = streaming.AttachAsync(id, typist.Streams, CancellationToken.None);
        var watching = streaming.AttachAsync(id, watcher.Streams, CancellationToken.None);
        // The monitor accepts clients on a thread of its own: give it a moment to take both before any output.
        await Task.Delay(300);
        await typist.TypeAsync("go\n");
        await Task.WhenAll(typing, watching).WaitAsync(TimeSpan.FromSeconds(30));

        var counted = string.Concat(Enumerable.Range(1, 30000).Select(i => $"{i}\n"));
        var stderr = string.Concat(Enumerable.Range(1, 100).Select(i => $"{i}\n"));
        Assert.Equal(counted, typist.Stdout.Text);
        Assert.Equal(counted, watcher.Stdout.Text);
        Assert.Equal(stderr, watcher.Stderr.Text);
        Assert.Equal(2, (await scene.WaitExitedAsync(id)).ExitCode);
    }

    [RootFact]
    public async Task Resize_reaches_a_tty_container()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (podId, podConfig) = await scene.PodAsync("sr-attach-tty");
        var config = scene.Config("tty", "sh", "-c", "while read l; do stty size; done");
        config.Stdin = true;
        config.Tty = true;
        var id = await scene.RunAsync(podId, podConfig, config);
        var streaming = RuntimeStreamingView.Of(scene.Daemon);
        var client = new ClientStdio(tty: true);
        using var detach = new CancellationTokenSource();

        var attach = streaming.AttachAsync(id, client.Streams, detach.Token);
        client.Resize(77, 33);
        await Eventually.RepeatUntilAsync(() => client.TypeAsync("\n"), () => client.Stdout.Text.Contains("33 77\r\n", StringComparison.Ordinal), "stty size after resize");

        await detach.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => attach.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(ContainerState.ContainerRunning, (await scene.StatusAsync(id)).State);
    }

    [RootFact]
    public async Task A_restarted_daemon_attaches_to_a_container_started_before()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (podId, podConfig) = await scene.PodAsync("sr-attach-restart");
        var config = scene.Config("cat", "cat");
        config.Stdin = true;
        var id = await scene.RunAsync(podId, podConfig, config);

        await scene.Daemon.RestartAsync();
        var streaming = RuntimeStreamingView.Of(scene.Daemon);
        var client = new ClientStdio();
        using var detach = new CancellationTokenSource();
        var attach = streaming.AttachAsync(id, client.Streams, detach.Token);

        await Eventually.RepeatUntilAsync(() => client.TypeAsync("after restart\n"), () => client.Stdout.Text.Contains("after restart\n", StringComparison.Ordinal), "echo after the restart");
        await detach.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => attach.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [RootFact]
    public async Task Checks_answer_not_found_and_failed_precondition_for_monitors_without_a_socket()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (podId, podConfig) = await scene.PodAsync("sr-attach-checks");
        var id = await scene.RunAsync(podId, podConfig, scene.Config("sleeper", "sleep", "100000"));
        var created = await scene.CreateAsync(podId, podConfig, scene.Config("created", "sleep", "100000"));
        var streaming = RuntimeStreamingView.Of(scene.Daemon);

        Assert.Throws<NotFoundException>(() => streaming.CheckAttach(new AttachRequest { ContainerId = "f00d", Stdout = true }));
        Assert.Contains("not running", Assert.Throws<FailedPreconditionException>(() => streaming.CheckAttach(new AttachRequest { ContainerId = created, Stdout = true })).Message);
        // What a container started by a daemon from before attach support looks like.
        File.Delete(Path.Combine(scene.Daemon.State, "containers", id, "attach"));
        Assert.Contains("no attach socket", Assert.Throws<FailedPreconditionException>(() => streaming.CheckAttach(new AttachRequest { ContainerId = id, Stdout = true })).Message);
    }
}
