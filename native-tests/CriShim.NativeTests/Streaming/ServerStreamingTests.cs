using System.Net;
using System.Text;
using System.Threading.Channels;
using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using CriShim.Streaming.Client;
using CriShim.Streaming.RemoteCommand;

namespace CriShim.NativeTests.Streaming;

/// <summary>Exec, Attach and PortForward through the real daemon's streaming server, with our own client.</summary>
[Collection("containers")]
public sealed class ServerStreamingTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task Exec_without_tty_keeps_stdout_stderr_and_exit_code_apart()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var id = await SleeperAsync(scene, "stream-exec");
        var (stdout, stderr) = (new MemoryStream(), new MemoryStream());
        var url = await ExecUrlAsync(scene, id, stdin: true, tty: false, "sh", "-c", "cat; echo err >&2; exit 7");
        var code = await RemoteCommandClient.RunAsync(new Uri(url), new RemoteCommandOptions
        {
            Stdin = new MemoryStream("exact\u0000bytes\n"u8.ToArray()), Stdout = stdout, Stderr = stderr,
        }).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(7, code);
        Assert.Equal("exact\u0000bytes\n"u8.ToArray(), stdout.ToArray());
        Assert.Equal("err\n", Encoding.UTF8.GetString(stderr.ToArray()));
    }

    [RootFact]
    public async Task Exec_with_tty_runs_on_a_terminal_whose_size_follows_resize()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var id = await SleeperAsync(scene, "stream-tty");
        var sizes = Channel.CreateUnbounded<ResizeMessage>();
        sizes.Writer.TryWrite(new ResizeMessage(123, 45));
        var stdout = new MemoryStream();
        var url = await ExecUrlAsync(scene, id, stdin: false, tty: true, "sh", "-c", "sleep 1; stty size; test -t 0; exit $?");
        var code = await RemoteCommandClient.RunAsync(new Uri(url), new RemoteCommandOptions { Stdout = stdout, Tty = true, Resize = sizes.Reader })
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, code);
        Assert.Contains("45 123", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [RootFact]
    public async Task Exec_ends_when_the_command_exits_even_with_stdin_open()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var id = await SleeperAsync(scene, "stream-open");
        var neverEnding = new System.IO.Pipelines.Pipe().Reader.AsStream();
        var url = await ExecUrlAsync(scene, id, stdin: true, tty: false, "sh", "-c", "exit 3");
        var code = await RemoteCommandClient.RunAsync(new Uri(url), new RemoteCommandOptions { Stdin = neverEnding, Stdout = new MemoryStream(), Stderr = new MemoryStream() })
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, code);
    }

    [RootFact]
    public async Task A_missing_command_is_an_error_status_and_a_used_token_is_404()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var id = await SleeperAsync(scene, "stream-missing");
        var url = await ExecUrlAsync(scene, id, stdin: false, tty: false, "/no/such/binary");
        var refused = await Assert.ThrowsAsync<RemoteCommandException>(() => RemoteCommandClient.RunAsync(new Uri(url),
            new RemoteCommandOptions { Stdout = new MemoryStream(), Stderr = new MemoryStream() }).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("/no/such/binary", refused.Message);
        var reused = await Assert.ThrowsAsync<HttpRequestException>(() => RemoteCommandClient.RunAsync(new Uri(url), new RemoteCommandOptions { Stdout = new MemoryStream() }));
        Assert.Equal(HttpStatusCode.NotFound, reused.StatusCode);
    }

    [RootFact]
    public async Task Attach_with_stdin_once_closes_the_containers_stdin_when_the_client_detaches()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (podId, podConfig) = await scene.PodAsync("stream-attach");
        var config = scene.Config("attach", "sh", "-c", "cat; echo stdin-closed; sleep 5");
        config.Stdin = true;
        config.StdinOnce = true;
        var id = await scene.RunAsync(podId, podConfig, config);
        var stdout = new MemoryStream();
        var url = (await scene.Runtime.AttachAsync(new AttachRequest { ContainerId = id, Stdin = true, Stdout = true, Stderr = true })).Url;
        await RemoteCommandClient.RunAsync(new Uri(url), new RemoteCommandOptions
        {
            Stdin = new MemoryStream("typed\n"u8.ToArray()), Stdout = stdout, Stderr = new MemoryStream(),
        }).WaitAsync(TimeSpan.FromSeconds(30));
        // stdin_once: the client's end of stdin closed the container's, so cat finished and the shell went on.
        Assert.Equal("typed\nstdin-closed\n", Encoding.UTF8.GetString(stdout.ToArray()));
        var log = ContainerScene.LogContent(Path.Combine(scene.LogDirectory, "stream-attach", "attach/0.log"));
        Assert.Contains("typed", log);
    }

    [RootFact]
    public async Task An_attached_client_that_stops_reading_holds_up_neither_the_other_nor_the_log_beyond_the_stall_timeout()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (podId, podConfig) = await scene.PodAsync("stream-attach-stall");
        var config = scene.Config("counter", "sh", "-c", "read go; seq 1 100000; echo done; sleep 1000");
        config.Stdin = true;
        var id = await scene.RunAsync(podId, podConfig, config);
        using var detach = new CancellationTokenSource();
        // Takes one write and never the next: this client's terminal froze.
        var frozen = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1)).Writer.AsStream();
        var stalled = RemoteCommandClient.RunAsync(new Uri((await scene.Runtime.AttachAsync(new AttachRequest { ContainerId = id, Stdout = true })).Url),
            new RemoteCommandOptions { Stdout = frozen }, detach.Token);
        await Task.Delay(500);
        var typed = new System.IO.Pipelines.Pipe();
        var stdout = new MemoryStream();
        var reading = RemoteCommandClient.RunAsync(new Uri((await scene.Runtime.AttachAsync(new AttachRequest { ContainerId = id, Stdin = true, Stdout = true })).Url),
            new RemoteCommandOptions { Stdin = typed.Reader.AsStream(), Stdout = stdout }, detach.Token);
        await Task.Delay(500);
        var started = DateTime.UtcNow;
        await typed.Writer.WriteAsync("go\n"u8.ToArray());

        await Eventually.TrueAsync(() => Encoding.UTF8.GetString(stdout.ToArray()).EndsWith("100000\ndone\n", StringComparison.Ordinal), "all output on the client that reads", seconds: 30);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), $"the reading client waited {DateTime.UtcNow - started} for the frozen one");
        Assert.Contains("done", ContainerScene.LogContent(Path.Combine(scene.LogDirectory, "stream-attach-stall", "counter/0.log")));
        await detach.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => Task.WhenAll(stalled, reading).WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(ContainerState.ContainerRunning, (await scene.StatusAsync(id)).State);
    }

    [RootFact]
    public async Task Two_clients_attached_to_a_tty_container_both_type_and_both_see_the_terminal()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (podId, podConfig) = await scene.PodAsync("stream-attach-tty2");
        var config = scene.Config("tty", "sh", "-c", "while read l; do echo got:$l; done");
        config.Stdin = true;
        config.Tty = true;
        var id = await scene.RunAsync(podId, podConfig, config);
        using var detach = new CancellationTokenSource();
        var clients = new List<(System.IO.Pipelines.Pipe Typed, MemoryStream Screen, Task<int> Session)>();
        foreach (var webSocket in new[] { false, true })
        {
            var typed = new System.IO.Pipelines.Pipe();
            var screen = new MemoryStream();
            var url = (await scene.Runtime.AttachAsync(new AttachRequest { ContainerId = id, Stdin = true, Stdout = true, Tty = true })).Url;
            clients.Add((typed, screen, RemoteCommandClient.RunAsync(new Uri(url), new RemoteCommandOptions
            {
                Stdin = typed.Reader.AsStream(), Stdout = screen, Tty = true, UseWebSocket = webSocket,
            }, detach.Token)));
        }
        string Screen(int i) => Encoding.UTF8.GetString(clients[i].Screen.ToArray());
        await Eventually.RepeatUntilAsync(async () => await clients[0].Typed.Writer.WriteAsync("one\n"u8.ToArray()),
            () => Screen(0).Contains("got:one", StringComparison.Ordinal) && Screen(1).Contains("got:one", StringComparison.Ordinal), "the first client's line on both screens");
        await Eventually.RepeatUntilAsync(async () => await clients[1].Typed.Writer.WriteAsync("two\n"u8.ToArray()),
            () => Screen(0).Contains("got:two", StringComparison.Ordinal) && Screen(1).Contains("got:two", StringComparison.Ordinal), "the second client's line on both screens");

        // One client ending its stdin ends its own session only; a tty's stdin stays open for the other.
        await clients[0].Typed.Writer.CompleteAsync();
        Assert.Equal(0, await clients[0].Session.WaitAsync(TimeSpan.FromSeconds(15)));
        await Eventually.RepeatUntilAsync(async () => await clients[1].Typed.Writer.WriteAsync("three\n"u8.ToArray()),
            () => Screen(1).Contains("got:three", StringComparison.Ordinal), "the remaining client still typing");
        await detach.CancelAsync();
        Assert.Equal(ContainerState.ContainerRunning, (await scene.StatusAsync(id)).State);
    }

    [RootFact]
    public async Task Port_forward_reaches_httpd_in_a_host_network_pod_over_two_concurrent_connections()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (podId, podConfig) = await scene.PodAsync("stream-pf-host", NamespaceMode.Node);
        var port = 18000 + Random.Shared.Next(1000);
        await scene.RunAsync(podId, podConfig, scene.Config("httpd", "httpd", "-f", "-p", $"127.0.0.1:{port}", "-h", "/etc"));
        await AssertForwardsHttpAsync(scene, podId, port);
    }

    [RootFact]
    public async Task Port_forward_reaches_httpd_in_a_pod_network_namespace()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        await using var network = await TestCniNetwork.CreateAsync(scene.Daemon.CniConfDir, scene.Daemon.WorkDir, "crishimsp", "crishimsp0", "10.99.83.0/24");
        var (podId, podConfig) = await scene.PodAsync("stream-pf-pod", NamespaceMode.Pod);
        await scene.RunAsync(podId, podConfig, scene.Config("httpd", "httpd", "-f", "-p", "8080", "-h", "/etc"));
        await AssertForwardsHttpAsync(scene, podId, 8080);
    }

    [RootFact]
    public async Task Crishimctl_exec_it_runs_on_a_pty_and_returns_the_exit_code()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var id = await SleeperAsync(scene, "stream-ctl");
        // script(1) gives crishimctl a terminal of its own, as a person's shell would; -e returns the child's exit code.
        var command = $"{Repository.Binary("crishimctl")} --runtime-endpoint unix://{scene.Daemon.Socket} exec -it {id} sh -c 'test -t 0 && echo on-a-tty; exit 5'";
        var (code, output) = await Shell.TryRun("script", "-qec", command, "/dev/null");
        Assert.Equal(5, code);
        Assert.Contains("on-a-tty", output);
    }

    [RootFact]
    public async Task A_client_that_drops_its_connection_mid_exec_leaves_no_process_helper_file_or_descriptor_behind()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var id = await SleeperAsync(scene, "stream-drop");
        var daemonPid = scene.Daemon.Pid;
        // Warm both protocols up once, so what they set up for good does not count as a leak.
        foreach (var webSocket in new[] { false, true })
        {
            var warmUp = await ExecUrlAsync(scene, id, stdin: false, tty: false, "true");
            await RemoteCommandClient.RunAsync(new Uri(warmUp), new RemoteCommandOptions { Stdout = new MemoryStream(), Stderr = new MemoryStream(), UseWebSocket = webSocket })
                .WaitAsync(TimeSpan.FromSeconds(30));
        }
        var baseline = Descriptors(daemonPid);

        foreach (var webSocket in new[] { false, true })
        {
            var seconds = 7000 + Random.Shared.Next(1000);
            var url = await ExecUrlAsync(scene, id, stdin: true, tty: false, "sh", "-c", $"sleep {seconds} & sleep {seconds + 1}");
            using var drop = new CancellationTokenSource();
            var stdout = new MemoryStream();
            // Cancelling our client closes its TCP connection without a SPDY GOAWAY or WebSocket close.
            var client = RemoteCommandClient.RunAsync(new Uri(url), new RemoteCommandOptions
            {
                Stdin = new System.IO.Pipelines.Pipe().Reader.AsStream(), Stdout = stdout, Stderr = new MemoryStream(), UseWebSocket = webSocket,
            }, drop.Token);
            await Eventually.TrueAsync(() => ProcessesWith($"sleep\0{seconds}\0").Count + ProcessesWith($"sleep\0{seconds + 1}\0").Count == 2, "both sleeps running");
            var helper = "exec-stream\0" + Path.Combine(scene.Daemon.State, "containers", id);
            Assert.NotEmpty(ProcessesWith(helper));
            await drop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.WaitAsync(TimeSpan.FromSeconds(10)));

            await Eventually.TrueAsync(() => ProcessesWith($"sleep\0{seconds}\0").Count + ProcessesWith($"sleep\0{seconds + 1}\0").Count == 0, $"the exec's processes killed (webSocket: {webSocket})");
            await Eventually.TrueAsync(() => ProcessesWith(helper).Count == 0, "the exec-stream helper gone");
            await Eventually.TrueAsync(() => !Directory.EnumerateFiles(Path.Combine(scene.Daemon.State, "containers", id), "exec-*").Any(), "exec-<guid>.json/.sock removed");
            await Eventually.TrueAsync(() => Descriptors(daemonPid).Count <= baseline.Count,
                $"the daemon's descriptors back to {baseline.Count} (webSocket: {webSocket}; new: {string.Join(", ", Descriptors(daemonPid).Except(baseline))})");
        }
        // Still serving.
        var after = new MemoryStream();
        var check = await ExecUrlAsync(scene, id, stdin: false, tty: false, "echo", "still-here");
        Assert.Equal(0, await RemoteCommandClient.RunAsync(new Uri(check), new RemoteCommandOptions { Stdout = after, Stderr = new MemoryStream() }).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("still-here\n", Encoding.UTF8.GetString(after.ToArray()));
    }

    [RootFact]
    public async Task Port_forward_reports_a_refused_port_carries_on_and_a_stopped_pod_ends_its_connection_leaving_nothing()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        await using var network = await TestCniNetwork.CreateAsync(scene.Daemon.CniConfDir, scene.Daemon.WorkDir, "crishimrv", "crishimrv0", "10.99.85.0/24");
        var (podId, podConfig) = await scene.PodAsync("stream-pf-stop", NamespaceMode.Pod);
        // An echo server on the pod's loopback: busybox nc runs cat on each connection.
        await scene.RunAsync(podId, podConfig, scene.Config("echo", "nc", "-ll", "-p", "8080", "-e", "cat"));
        var daemonPid = scene.Daemon.Pid;
        var baseline = Descriptors(daemonPid);
        var url = (await scene.Runtime.PortForwardAsync(new PortForwardRequest { PodSandboxId = podId, Port = { 8080, 8081 } })).Url;
        var client = await PortForwardClient.ConnectAsync(new Uri(url));

        var refused = await client.OpenAsync(8081);
        Assert.Contains("localhost:8081", await refused.Error.WaitAsync(TimeSpan.FromSeconds(10)));
        PortForwardConnection? open = null;
        await Eventually.RepeatUntilAsync(async () =>
        {
            var connection = await client.OpenAsync(8080);
            await connection.Data.WriteAsync("ping\n"u8.ToArray());
            var echo = new byte[5];
            if (await connection.Data.ReadAtLeastAsync(echo, 5, throwOnEndOfStream: false).AsTask().WaitAsync(TimeSpan.FromSeconds(5)) == 5)
            {
                open = connection;
            }
        }, () => open is not null, "an echo through the same session after the refused port");

        await scene.Pods.StopAsync(podId);
        // The pod's end went with the pod: our side reads the end of the connection.
        Assert.Equal(0, await open!.Data.ReadAtLeastAsync(new byte[1], 1, throwOnEndOfStream: false).AsTask().WaitAsync(TimeSpan.FromSeconds(15)));
        await open.Data.CloseWriteAsync();
        await client.DisposeAsync();
        // Stopping the pod ran CNI plugins too: their output pipes must be closed as well.
        await Eventually.TrueAsync(() => Descriptors(daemonPid).Count <= baseline.Count,
            $"the daemon's descriptors back to {baseline.Count} (new: {string.Join(", ", Descriptors(daemonPid).Except(baseline))})");
        Assert.Empty(ProcessesWith("netns-socket"));
    }

    private static async Task AssertForwardsHttpAsync(ContainerScene scene, string podId, int port)
    {
        var url = (await scene.Runtime.PortForwardAsync(new PortForwardRequest { PodSandboxId = podId, Port = { port } })).Url;
        await using var client = await PortForwardClient.ConnectAsync(new Uri(url));
        string? lastError = null;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var (first, second) = (await client.OpenAsync(port), await client.OpenAsync(port));
            await Task.WhenAll(RequestAsync(first.Data), RequestAsync(second.Data));
            var (a, b) = (await ReadAllAsync(first.Data), await ReadAllAsync(second.Data));
            lastError = await first.Error ?? await second.Error;
            if (lastError is null && a.StartsWith("HTTP/1.") && b.StartsWith("HTTP/1."))
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"port-forward never reached httpd: {lastError}");
    }

    private static async Task RequestAsync(CriShim.Streaming.Spdy.SpdyStream data)
    {
        await data.WriteAsync("GET /hostname HTTP/1.0\r\n\r\n"u8.ToArray());
        await data.CloseWriteAsync();
    }

    private static async Task<string> ReadAllAsync(Stream data)
    {
        var all = new MemoryStream();
        await data.CopyToAsync(all).WaitAsync(TimeSpan.FromSeconds(10));
        return Encoding.UTF8.GetString(all.ToArray());
    }

    private static async Task<string> SleeperAsync(ContainerScene scene, string name)
    {
        var (podId, podConfig) = await scene.PodAsync(name);
        return await scene.RunAsync(podId, podConfig, scene.Config("sleeper", "sleep", "1000"));
    }

    private static async Task<string> ExecUrlAsync(ContainerScene scene, string id, bool stdin, bool tty, params string[] command)
    {
        var request = new ExecRequest { ContainerId = id, Stdin = stdin, Tty = tty, Stdout = true, Stderr = !tty };
        request.Cmd.AddRange(command);
        return (await scene.Runtime.ExecAsync(request)).Url;
    }

    /// <summary>
    /// The daemon's open descriptors, without the assemblies and symbol files the runtime maps once for
    /// good (a first stack trace in the log loads the .pdb files).
    /// </summary>
    private static List<string> Descriptors(int pid) =>
        Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd")
            .Select(f => Path.GetFileName(f) + " -> " + new FileInfo(f).LinkTarget)
            .Where(link => !link.EndsWith(".dll", StringComparison.Ordinal) && !link.EndsWith(".pdb", StringComparison.Ordinal))
            .ToList();

    /// <summary>Processes on the host whose command line (arguments NUL-separated) contains <paramref name="text"/>.</summary>
    private static List<int> ProcessesWith(string text) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(p => p!.All(char.IsAsciiDigit))
            .Where(p =>
            {
                try
                {
                    return File.ReadAllText($"/proc/{p}/cmdline").Contains(text, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            })
            .Select(p => int.Parse(p!, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
}
