using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using CriShim.Bench.Host;

namespace CriShim.Bench.Images;

/// <summary>
/// Debian's <c>docker-registry</c> on 127.0.0.1 and a free port, storage under the bench work dir,
/// and the plain HTTP calls that push blobs and manifests to it. Both runtimes pull from it.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    public const string Binary = "/usr/bin/docker-registry";
    private readonly LogBuffer _log = new();
    private readonly Process _process;

    private LocalRegistry(Process process, int port)
    {
        _process = process;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, the registry part of every bench image name.</summary>
    public string Host => $"127.0.0.1:{Port}";

    private HttpClient Http { get; }

    public static async Task<LocalRegistry> StartAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var port = FreePort();
        var config = Path.Combine(directory, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {Path.Combine(directory, "storage")}
            http:
              addr: 127.0.0.1:{port}
            """);
        var info = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true, ArgumentList = { "serve", config } };
        var registry = new LocalRegistry(Process.Start(info)!, port);
        registry._log.Attach(registry._process);
        await registry.WaitUntilServingAsync();
        return registry;
    }

    /// <summary>Uploads a blob (monolithic POST + PUT) unless the registry has it already.</summary>
    public async Task PushBlobAsync(string repository, string digest, byte[] content)
    {
        using (var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repository}/blobs/{digest}")))
        {
            if (head.IsSuccessStatusCode)
            {
                return;
            }
        }
        using var start = await Http.PostAsync($"v2/{repository}/blobs/uploads/", null);
        await ExpectAsync(start, HttpStatusCode.Accepted, $"start upload of {digest}");
        var location = start.Headers.Location!;
        var url = location.IsAbsoluteUri ? location : new Uri(Http.BaseAddress!, location);
        var separator = url.Query.Length > 0 ? "&" : "?";
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await Http.PutAsync($"{url}{separator}digest={Uri.EscapeDataString(digest)}", body);
        await ExpectAsync(put, HttpStatusCode.Created, $"upload {digest}");
    }

    public async Task PushManifestAsync(string repository, string tag, string mediaType, byte[] content)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var put = await Http.PutAsync($"v2/{repository}/manifests/{tag}", body);
        await ExpectAsync(put, HttpStatusCode.Created, $"manifest {repository}:{tag}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Http.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"registry: {what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private async Task WaitUntilServingAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}\n{_log.Tail()}");
            }
            try
            {
                using var response = await Http.GetAsync("v2/");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"docker-registry did not answer /v2/ within 20 s\n{_log.Tail()}");
    }
}
