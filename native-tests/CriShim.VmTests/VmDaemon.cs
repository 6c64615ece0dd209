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

    private VmDaemon(string binDir, string workDir)
    {
        WorkDir = workDir;
        var info = new ProcessStartInfo(Path.Combine(binDir, "crishim")) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "--listen", Socket, "--root", Path.Combine(workDir, "root"), "--state", Path.Combine(workDir, "state"),
                     "--cni-conf-dir", Path.Combine(workDir, "net.d"), "--log-level", "debug" })
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

    public string WorkDir { get; }
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

    public static async Task<VmDaemon> StartAsync(string binDir)
    {
        var workDir = Directory.CreateTempSubdirectory("crishim-vm-").FullName;
        var daemon = new VmDaemon(binDir, workDir);
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
