using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using CriShim.Protocol;
using CriShim.Protocol.V1;
using Grpc.Net.Client;

namespace CriShim.NativeTests.Infrastructure;

/// <summary>
/// The real <c>out/bin/crishim</c> on a private socket, root and state directory, talked to over
/// the socket with the generated clients. Restartable, so tests can check what survives.
/// </summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private readonly StringBuilder _log = new();
    private Process? _process;
    private GrpcChannel? _channel;

    private DaemonProcess(string workDir, IReadOnlyList<string> extraArgs)
    {
        WorkDir = workDir;
        ExtraArgs = extraArgs;
        Directory.CreateDirectory(CniConfDir);
    }

    public string WorkDir { get; }
    public IReadOnlyList<string> ExtraArgs { get; }
    public string Socket => Path.Combine(WorkDir, "crishim.sock");
    public string Root => Path.Combine(WorkDir, "root");
    public string State => Path.Combine(WorkDir, "state");
    public string CniConfDir => Path.Combine(WorkDir, "net.d");
    public string ConfigFile => Path.Combine(WorkDir, "crishim.toml");
    public int Pid => _process?.Id ?? throw new InvalidOperationException("daemon is not running");

    /// <summary>Extra environment for the next start (the fault tests' kill point).</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public RuntimeService.RuntimeServiceClient Runtime { get; private set; } = null!;
    public ImageService.ImageServiceClient Images { get; private set; } = null!;

    /// <summary>What the daemon wrote to stderr so far, for assertion messages.</summary>
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

    /// <summary>A daemon in <paramref name="workDir"/> that is not started yet (the caller sets up CNI or the environment first).</summary>
    public static Task<DaemonProcess> CreateAsync(string workDir, params string[] extraArgs) =>
        Task.FromResult(new DaemonProcess(workDir, extraArgs));

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<DaemonProcess> StartAsync(params string[] extraArgs)
    {
        var workDir = Directory.CreateTempSubdirectory("crishim-test-").FullName;
        var daemon = new DaemonProcess(workDir, extraArgs);
        await daemon.StartAsync();
        return daemon;
    }

    /// <summary>In a work dir of the caller's (a fixed one lets a later run find what an interrupted one left).</summary>
    public static async Task<DaemonProcess> StartInAsync(string workDir, params string[] extraArgs)
    {
        Directory.CreateDirectory(workDir);
        var daemon = new DaemonProcess(workDir, extraArgs);
        await daemon.StartAsync();
        return daemon;
    }

    public IReadOnlyList<string> Arguments =>
    [
        "--config", ConfigFile,
        "--listen", Socket,
        "--root", Root,
        "--state", State,
        "--cni-conf-dir", CniConfDir,
        "--registries-conf", Path.Combine(WorkDir, "registries.conf"),
        "--log-level", "debug",
        .. ExtraArgs,
    ];

    public async Task StartAsync()
    {
        if (!File.Exists(ConfigFile))
        {
            await File.WriteAllTextAsync(ConfigFile, "# written by the native tests\n");
        }
        var info = new ProcessStartInfo(Repository.Binary("crishim"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in Arguments)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        await WaitForSocketAsync(process);
        _channel = CriChannel.Create(Socket);
        Runtime = new RuntimeService.RuntimeServiceClient(_channel);
        Images = new ImageService.ImageServiceClient(_channel);
    }

    /// <summary>Restarts the daemon with <paramref name="toml"/> as its registries.conf (read at start-up).</summary>
    public async Task RestartWithRegistriesConfAsync(string toml)
    {
        await StopAsync();
        await File.WriteAllTextAsync(Path.Combine(WorkDir, "registries.conf"), toml);
        await StartAsync();
    }

    /// <summary>SIGTERM, as systemd stops the daemon; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        var process = _process;
        if (process is null)
        {
            return 0;
        }
        _channel?.Dispose();
        _channel = null;
        if (!process.HasExited)
        {
            Tmds.Linux.LibC.kill(process.Id, Tmds.Linux.LibC.SIGTERM);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw new TimeoutException("crishim did not stop within 20 s of SIGTERM\n" + Log);
            }
        }
        _process = null;
        var code = process.ExitCode;
        process.Dispose();
        return code;
    }

    /// <summary>Waits for the daemon to end by itself (a fault point killed it); false when it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        var process = _process ?? throw new InvalidOperationException("daemon is not running");
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        _channel?.Dispose();
        _channel = null;
        _process = null;
        process.Dispose();
        return true;
    }

    /// <summary>SIGKILL, as a crash or the OOM killer ends the daemon.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            Tmds.Linux.LibC.kill(process.Id, Tmds.Linux.LibC.SIGKILL);
        }
        await WaitForExitAsync(TimeSpan.FromSeconds(20));
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            // A daemon that was killed left the helper's stage files mounted.
            CriShim.Contract.StageFileCopies.Release(State);
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
            // Something a test left mounted keeps the directory; the test that did it reports that.
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

    private async Task WaitForSocketAsync(Process process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"crishim exited with {process.ExitCode} before serving\n{Log}");
            }
            if (File.Exists(Socket))
            {
                using var probe = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await probe.ConnectAsync(new UnixDomainSocketEndPoint(Socket));
                    return;
                }
                catch (SocketException)
                {
                }
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"crishim did not serve {Socket} within 30 s\n{Log}");
    }
}
