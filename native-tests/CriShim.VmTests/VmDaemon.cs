using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using CriShim.Protocol;
using CriShim.Protocol.V1;
using Grpc.Net.Client;

namespace CriShim.VmTests;

/// <summary>The real crishim daemon from the build output, on a private socket, root and state directory.</summary>
internal sealed class VmDaemon : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly GrpcChannel _channel;

    private VmDaemon(string binDir, string workDir, string registryHost)
    {
        WorkDir = workDir;
        RegistryHost = registryHost;
        File.WriteAllText(Path.Combine(workDir, "registries.conf"), $"[[registry]]\nlocation = \"{registryHost}\"\ninsecure = true\n");
        var info = new ProcessStartInfo(Path.Combine(binDir, "crishim")) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "--listen", Socket, "--root", Path.Combine(workDir, "root"), "--state", Path.Combine(workDir, "state"),
                     "--cni-conf-dir", Path.Combine(workDir, "net.d"), "--registries-conf", Path.Combine(workDir, "registries.conf"), "--log-level", "debug" })
        {
            info.ArgumentList.Add(arg);
        }
        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        _channel = CriChannel.Create(Socket);
        Runtime = new RuntimeService.RuntimeServiceClient(_channel);
        Images = new ImageService.ImageServiceClient(_channel);
    }

    private const string StateParent = "/var/lib/crishim-vm";

    public string WorkDir { get; }

    /// <summary>The registry (inside the VM) that holds the test images.</summary>
    public string RegistryHost { get; }
    public string Socket => Path.Combine(WorkDir, "crishim.sock");
    public RuntimeService.RuntimeServiceClient Runtime { get; }
    public ImageService.ImageServiceClient Images { get; }

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

    public static async Task<VmDaemon> StartAsync(string binDir, string registryHost)
    {
        // /tmp in the VM is an overlay over the host's 9p root, and overlayfs cannot stack its upper dirs on
        // another overlay; the VM's init mounts a tmpfs on /var/lib for state like this.
        var workDir = Directory.CreateDirectory(Path.Combine(StateParent, Guid.NewGuid().ToString("N")[..12])).FullName;
        var daemon = new VmDaemon(binDir, workDir, registryHost);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (daemon._process.HasExited)
            {
                throw new InvalidOperationException("crishim exited before serving:\n" + daemon.Log);
            }
            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await probe.ConnectAsync(new UnixDomainSocketEndPoint(daemon.Socket));
                return daemon;
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }
        throw new TimeoutException("crishim did not serve within 120 s:\n" + daemon.Log);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        // The killed daemon left the helper's read-only stage files mounted.
        CriShim.Contract.StageFileCopies.Release(Path.Combine(WorkDir, "state"));
        Directory.Delete(WorkDir, recursive: true);
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
