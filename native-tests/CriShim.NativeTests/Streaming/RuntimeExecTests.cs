using System.Text;
using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;

namespace CriShim.NativeTests.Streaming;

/// <summary>Interactive exec through the runtime's <c>ContainerStreaming</c> and the real <c>crishim-runtime exec-stream</c>.</summary>
[Collection("containers")]
public sealed class RuntimeExecTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task Exec_without_tty_relays_exact_bytes_stdin_and_the_exit_code()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var id = await SleeperAsync(scene, "sr-exec-plain");
        var streaming = RuntimeStreamingView.Of(scene.Daemon);

        var plain = new ClientStdio(stdin: false);
        var code = await streaming.ExecAsync(id, ["sh", "-c", "printf 'out\\000put\\r\\n'; printf 'err' >&2; exit 3"], tty: false, plain.Streams, CancellationToken.None);

        Assert.Equal(3, code);
        Assert.Equal("out\0put\r\n"u8.ToArray(), plain.Stdout.Bytes);
        Assert.Equal("err"u8.ToArray(), plain.Stderr.Bytes);
        // Without stdin the command reads /dev/null; killed by a signal it reports 128 + the signal.
        var killed = new ClientStdio(stdin: false);
        Assert.Equal(137, await streaming.ExecAsync(id, ["sh", "-c", "cat; echo after; kill -9 $$"], tty: false, killed.Streams, CancellationToken.None));
        Assert.Equal("after\n", killed.Stdout.Text);

        var typed = new ClientStdio();
        var exec = streaming.ExecAsync(id, ["sh", "-c", "cat; echo done"], tty: false, typed.Streams, CancellationToken.None);
        await typed.TypeAsync("hello\n");
        await typed.Stdout.WaitForAsync(t => t == "hello\n", "echo of stdin");
        await typed.TypeAsync(new string('x', 100_000));
        await typed.CloseStdinAsync();

        Assert.Equal(0, await exec.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("hello\n" + new string('x', 100_000) + "done\n", typed.Stdout.Text);
        AssertNoExecFilesLeft(scene, id);
    }

    [RootFact]
    public async Task Exec_with_tty_follows_the_resize_channel()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var id = await SleeperAsync(scene, "sr-exec-tty");
        var streaming = RuntimeStreamingView.Of(scene.Daemon);
        var client = new ClientStdio(tty: true);

        var exec = streaming.ExecAsync(id, ["sh", "-c", "while read l; do [ \"$l\" = q ] && exit 7; stty size; done"], tty: true, client.Streams, CancellationToken.None);
        client.Resize(123, 45);
        // The resize and stdin pumps are independent: ask until the size shows.
        await Eventually.RepeatUntilAsync(() => client.TypeAsync("\n"), () => client.Stdout.Text.Contains("45 123\r\n", StringComparison.Ordinal), "stty size after resize");
        client.Resize(90, 30);
        await Eventually.RepeatUntilAsync(() => client.TypeAsync("\n"), () => client.Stdout.Text.Contains("30 90\r\n", StringComparison.Ordinal), "stty size after a second resize");
        await client.TypeAsync("q\n");

        Assert.Equal(7, await exec.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Empty(client.Stderr.Bytes);
    }

    [RootFact]
    public async Task Exec_ends_when_the_process_exits_while_stdin_stays_open()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var id = await SleeperAsync(scene, "sr-exec-open");
        var streaming = RuntimeStreamingView.Of(scene.Daemon);
        var client = new ClientStdio();

        var code = await streaming.ExecAsync(id, ["sh", "-c", "echo bye"], tty: false, client.Streams, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(0, code);
        Assert.Equal("bye\n", client.Stdout.Text);
    }

    [RootFact]
    public async Task Exec_of_a_missing_command_reports_the_start_failure()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var id = await SleeperAsync(scene, "sr-exec-missing");
        var streaming = RuntimeStreamingView.Of(scene.Daemon);

        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            streaming.ExecAsync(id, ["nope"], tty: false, new ClientStdio().Streams, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Contains("exec: \"nope\": executable file not found in $PATH", error.Message);
        AssertNoExecFilesLeft(scene, id);
    }

    [RootFact]
    public async Task A_client_that_goes_kills_the_command_and_its_children()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var id = await SleeperAsync(scene, "sr-exec-cancel");
        var streaming = RuntimeStreamingView.Of(scene.Daemon);
        var client = new ClientStdio();
        using var gone = new CancellationTokenSource();

        var exec = streaming.ExecAsync(id, ["sh", "-c", "sleep 4321 & echo started; sleep 4322"], tty: false, client.Streams, gone.Token);
        await client.Stdout.WaitForAsync(t => t.Contains("started", StringComparison.Ordinal), "the command's start");
        await Eventually.TrueAsync(() => SleepersRunning().Count == 2, "both sleeps running");
        await gone.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => exec.WaitAsync(TimeSpan.FromSeconds(20)));
        await Eventually.TrueAsync(() => SleepersRunning().Count == 0, "the command's process group killed");
        AssertNoExecFilesLeft(scene, id);
        Assert.Equal(ContainerState.ContainerRunning, (await scene.StatusAsync(id)).State);
    }

    [RootFact]
    public async Task Checks_answer_not_found_failed_precondition_and_invalid_argument()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (podId, podConfig) = await scene.PodAsync("sr-exec-checks");
        var created = await scene.CreateAsync(podId, podConfig, scene.Config("created", "sleep", "1000"));
        var running = await scene.RunAsync(podId, podConfig, scene.Config("running", "sleep", "1000"));
        var streaming = RuntimeStreamingView.Of(scene.Daemon);

        Assert.Equal(running, streaming.CheckExec(Exec(running[..12], tty: false)));
        Assert.Contains("does not exist", Assert.Throws<NotFoundException>(() => streaming.CheckExec(Exec("f00d", tty: false))).Message);
        Assert.Contains("not running", Assert.Throws<FailedPreconditionException>(() => streaming.CheckExec(Exec(created, tty: false))).Message);
        Assert.Throws<InvalidArgumentException>(() => streaming.CheckExec(new ExecRequest { ContainerId = running, Stdout = true }));
    }

    private static ExecRequest Exec(string id, bool tty) => new() { ContainerId = id, Cmd = { "sh" }, Stdin = true, Stdout = true, Tty = tty };

    private static async Task<string> SleeperAsync(ContainerScene scene, string name)
    {
        var (podId, podConfig) = await scene.PodAsync(name);
        return await scene.RunAsync(podId, podConfig, scene.Config("sleeper", "sleep", "100000"));
    }

    /// <summary>The exec's own sleeps (unique arguments), wherever they are on the host.</summary>
    private static List<int> SleepersRunning() =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => Path.GetFileName(d))
            .Where(p => p.All(char.IsAsciiDigit))
            .Where(p =>
            {
                try
                {
                    var cmdline = File.ReadAllText($"/proc/{p}/cmdline");
                    return cmdline is "sleep\04321\0" or "sleep\04322\0";
                }
                catch (IOException)
                {
                    return false;
                }
            })
            .Select(int.Parse)
            .ToList();

    private static void AssertNoExecFilesLeft(ContainerScene scene, string id) =>
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(scene.Daemon.State, "containers", id), "exec-*"));
}
