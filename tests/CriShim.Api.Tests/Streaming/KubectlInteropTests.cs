using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CriShim.Api.Composition;
using CriShim.Api.Streaming;
using CriShim.Protocol.V1;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Streaming;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CriShim.Api.Tests.Streaming;

/// <summary>
/// kubectl (client-go's SPDY and WebSocket clients, Go's zlib) against our streaming server: a stand-in
/// API server answers the pod lookup and hands kubectl's exec and port-forward requests to the
/// streaming routes with a fresh token, as an API server proxies them to kubelet.
/// </summary>
public sealed class KubectlInteropTests : IAsyncLifetime
{
    private const string PodPath = "/api/v1/namespaces/default/pods/p";
    private const string PodJson = """{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","namespace":"default"},"spec":{"containers":[{"name":"c","image":"busybox"}]},"status":{"phase":"Running"}}""";
    private const string ApiResources = """{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list"],"shortNames":["po"]},{"name":"pods/exec","singularName":"","namespaced":true,"kind":"PodExecOptions","verbs":["create","get"]},{"name":"pods/portforward","singularName":"","namespaced":true,"kind":"PodPortForwardOptions","verbs":["create","get"]}]}""";
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _transports = new();
    private WebApplication _app = null!;
    private string _server = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.AddCriShimStreaming(new DaemonConfig { StreamAddress = "127.0.0.1:0" });
        builder.Services.AddSingleton<IContainerStreaming>(new InProcessContainerStreaming());
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            var requests = context.RequestServices.GetRequiredService<StreamingRequests>();
            var path = context.Request.Path.Value;
            // What kubectl's discovery and pod lookup need before it streams.
            var answer = path switch
            {
                PodPath => PodJson,
                "/api" => """{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]}""",
                "/apis" => """{"kind":"APIGroupList","apiVersion":"v1","groups":[]}""",
                "/api/v1" => ApiResources,
                _ => null,
            };
            if (answer is not null)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(answer);
                return;
            }
            var query = context.Request.Query;
            string? url = path switch
            {
                PodPath + "/exec" => requests.Exec(new ExecRequest
                {
                    ContainerId = "c1",
                    Cmd = { query["command"].OfType<string>() },
                    Stdin = query["stdin"] == "true",
                    Stdout = query["stdout"] == "true",
                    Stderr = query["stderr"] == "true" && query["tty"] != "true",
                    Tty = query["tty"] == "true",
                }).Url,
                PodPath + "/portforward" => requests.PortForward(new PortForwardRequest { PodSandboxId = "p1" }).Url,
                _ => null,
            };
            if (url is not null)
            {
                _transports.Enqueue(context.WebSockets.IsWebSocketRequest ? "websocket" : context.Request.Headers.Upgrade.ToString());
                context.Request.Path = new Uri(url).AbsolutePath;
            }
            await next(context);
        });
        _app.UseRouting();
        _app.MapCriShimStreaming();
        await _app.StartAsync();
        var endpoint = _app.Services.GetRequiredService<StreamingEndpoint>().Address;
        _server = $"http://{endpoint.Address}:{endpoint.Port}";
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [KubectlFact]
    public async Task Kubectl_exec_over_spdy_gets_output_stdin_and_exit_code()
    {
        // A megabyte each way: client-go never sends WINDOW_UPDATE, so our windows must not bind.
        var megabyte = string.Concat(Enumerable.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n", 16384));
        var (code, stdout, stderr) = await KubectlAsync("false", megabyte, "exec", "-i", "p", "--", "cat");
        Assert.True(code == 0, stderr);
        Assert.Equal(megabyte, stdout);
        (code, _, stderr) = await KubectlAsync("false", null, "exec", "p", "--", "exit", "7");
        Assert.Equal(7, code);
        Assert.Equal(["SPDY/3.1", "SPDY/3.1"], _transports);
    }

    [KubectlFact]
    public async Task Kubectl_exec_over_websocket_v5_gets_output_stdin_and_exit_code()
    {
        var (code, stdout, stderr) = await KubectlAsync("true", "hello\n", "exec", "-i", "p", "--", "cat");
        Assert.True(code == 0, stderr);
        Assert.Equal("hello\n", stdout);
        (code, _, _) = await KubectlAsync("true", null, "exec", "p", "--", "exit", "9");
        Assert.Equal(9, code);
        Assert.Equal(["websocket", "websocket"], _transports);
    }

    [KubectlFact]
    public async Task Kubectl_sees_the_runtimes_error_message()
    {
        var (code, _, stderr) = await KubectlAsync("false", null, "exec", "p", "--", "nonexistent");
        Assert.NotEqual(0, code);
        Assert.Contains("executable file 'nonexistent' not found", stderr);
    }

    [KubectlFact]
    public async Task Kubectl_port_forward_reaches_a_local_echo_server()
    {
        using var echo = new TcpListener(IPAddress.Loopback, 0);
        echo.Start();
        var remote = ((IPEndPoint)echo.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            using var client = await echo.AcceptTcpClientAsync();
            var stream = client.GetStream();
            await stream.CopyToAsync(stream);
        });
        int local;
        using (var free = new TcpListener(IPAddress.Loopback, 0))
        {
            free.Start();
            local = ((IPEndPoint)free.LocalEndpoint).Port;
        }
        using var kubectl = Start("false", "port-forward", "--address", "127.0.0.1", "pod/p", $"{local}:{remote}");
        try
        {
            var line = await kubectl.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Contains($"Forwarding from 127.0.0.1:{local}", line);
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, local);
            var stream = client.GetStream();
            await stream.WriteAsync("ping"u8.ToArray());
            var buffer = new byte[4];
            await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("ping", Encoding.ASCII.GetString(buffer));
        }
        finally
        {
            kubectl.Kill();
        }
        await serving.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
    }

    private Process Start(string webSockets, params string[] args)
    {
        var info = new ProcessStartInfo(KubectlFactAttribute.Kubectl)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["KUBECTL_REMOTE_COMMAND_WEBSOCKETS"] = webSockets,
                ["KUBECTL_PORT_FORWARD_WEBSOCKETS"] = webSockets,
                ["KUBECONFIG"] = "/dev/null",
                ["HOME"] = Path.GetTempPath(),
            },
        };
        foreach (var arg in (string[])["--server", _server, "--namespace", "default", .. args])
        {
            info.ArgumentList.Add(arg);
        }
        return Process.Start(info)!;
    }

    private async Task<(int Code, string Stdout, string Stderr)> KubectlAsync(string webSockets, string? stdin, params string[] args)
    {
        using var process = Start(webSockets, args);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, await stdout, await stderr);
    }
}
