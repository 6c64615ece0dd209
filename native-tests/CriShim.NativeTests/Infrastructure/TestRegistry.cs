using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace CriShim.NativeTests.Infrastructure;

/// <summary>
/// Debian's <c>docker-registry</c> on 127.0.0.1 and a free port, storage in a temp directory,
/// plus the plain HTTP calls that push blobs and manifests to it. Stopped and removed on dispose.
/// Optionally serves HTTPS with a self-signed certificate for 127.0.0.1 (made with <c>openssl</c>) and
/// demands HTTP basic auth (an htpasswd file made with <c>htpasswd -B</c>); the push calls then use both.
/// </summary>
public sealed class TestRegistry : IAsyncDisposable
{
    public const string Binary = "/usr/bin/docker-registry";
    private readonly StringBuilder _log = new();
    private Process? _process;

    private TestRegistry(string directory, int port, bool tls)
    {
        Directory = directory;
        Port = port;
        // The certificate is the one this class just made; anything else on this port would be a test bug.
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        Http = new HttpClient(handler) { BaseAddress = new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
    }

    public string Directory { get; }
    public int Port { get; }
    public string Host => $"127.0.0.1:{Port}";
    public HttpClient Http { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<TestRegistry> StartAsync(NetworkCredential? basicAuth = null, bool tls = false)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("crishim-registry-").FullName;
        var registry = new TestRegistry(directory, FreePort(), tls);
        var extra = "";
        if (tls)
        {
            var (certificate, key) = (Path.Combine(directory, "cert.pem"), Path.Combine(directory, "key.pem"));
            await RunToolAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate);
            extra += $"""

                  tls:
                    certificate: {certificate}
                    key: {key}
                """;
        }
        if (basicAuth is not null)
        {
            var htpasswd = Path.Combine(directory, "htpasswd");
            // bcrypt, the only hash docker-registry accepts.
            await File.WriteAllTextAsync(htpasswd, await RunToolAsync("htpasswd", "-Bbn", basicAuth.UserName, basicAuth.Password));
            extra += $"""

                auth:
                  htpasswd:
                    realm: crishim-test
                    path: {htpasswd}
                """;
            registry.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basicAuth.UserName}:{basicAuth.Password}")));
        }
        await File.WriteAllTextAsync(Path.Combine(directory, "config.yml"), $"""
            version: 0.1
            log:
              level: info
              accesslog:
                disabled: false
            storage:
              filesystem:
                rootdirectory: {Path.Combine(directory, "storage")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{registry.Port}
            """ + extra);
        await registry.StartProcessAsync();
        return registry;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task StartProcessAsync()
    {
        var info = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(Path.Combine(Directory, "config.yml"));
        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}\n{Log}");
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
        throw new TimeoutException($"docker-registry did not answer /v2/ within 20 s\n{Log}");
    }

    /// <summary>Runs openssl or htpasswd (apache2-utils) and returns its output.</summary>
    private static async Task<string> RunToolAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Check(process.ExitCode == 0, $"{file} {args[0]} exited {process.ExitCode}: {await error}");
        return await output;
    }

    public async Task StopProcessAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
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
        Expect(start.StatusCode == HttpStatusCode.Accepted, $"blob upload start: {start.StatusCode}");
        var location = start.Headers.Location!;
        var url = location.IsAbsoluteUri ? location : new Uri(Http.BaseAddress!, location);
        var separator = url.Query.Length > 0 ? "&" : "?";
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await Http.PutAsync($"{url}{separator}digest={Uri.EscapeDataString(digest)}", body);
        Expect(put.StatusCode == HttpStatusCode.Created, $"blob upload {digest}: {put.StatusCode} {await put.Content.ReadAsStringAsync()}");
    }

    public async Task PushManifestAsync(string repository, string reference, string mediaType, byte[] content)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var put = await Http.PutAsync($"v2/{repository}/manifests/{reference}", body);
        Expect(put.StatusCode == HttpStatusCode.Created, $"manifest {repository}:{reference}: {put.StatusCode} {await put.Content.ReadAsStringAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        Http.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>Fails a push without xunit, so the VM runner and the benchmarks can share this class.</summary>
    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new HttpRequestException(what);
        }
    }

    // No xunit Assert here: the VM test program (not an xunit project) builds and pushes images with this class too.
    private static void Check(bool ok, string failure)
    {
        if (!ok)
        {
            throw new InvalidOperationException(failure);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
