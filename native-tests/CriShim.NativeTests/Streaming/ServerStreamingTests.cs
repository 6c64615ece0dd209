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
}
