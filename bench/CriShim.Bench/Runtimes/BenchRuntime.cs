using System.Diagnostics;
using System.Net.Sockets;
using CriShim.Bench.Host;
using CriShim.Protocol;
using CriShim.Protocol.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace CriShim.Bench.Runtimes;

/// <summary>
/// A CRI runtime under test: a private daemon (own socket, root, state, CNI network, cgroup subtree)
/// and the generated CRI clients talking to it. Subclasses say how to configure and start the
/// daemon and which host processes count as the runtime's own; everything else is shared, so both
/// runtimes are driven by the same code.
/// </summary>
public abstract class BenchRuntime : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly LogBuffer _log = new();
    private readonly string _cgroupRoot;
    private Process? _daemon;
    private GrpcChannel? _channel;

    protected BenchRuntime(string name, string directory, BenchNetwork network, string cgroupRoot)
    {
        Name = name;
        Directory = directory;
        Network = network;
        _cgroupRoot = cgroupRoot;
    }

    public string Name { get; }

    /// <summary>This runtime's private directory under the bench work dir.</summary>
    public string Directory { get; }

    public BenchNetwork Network { get; }
    public string Socket => SocketPath(Directory, Name);
    public string PodLogDirectory => Path.Combine(Directory, "pod-logs");

    /// <summary>The cgroup subtree this runtime's pods live in, so leftovers are found by path.</summary>
    public string CgroupSubtree => $"/{_cgroupRoot}/{Name}";

    public string Version { get; private set; } = "";
    public int DaemonPid => _daemon?.Id ?? throw new InvalidOperationException($"{Name} is not running");
    public RuntimeService.RuntimeServiceClient Runtime { get; private set; } = null!;
    public ImageService.ImageServiceClient Images { get; private set; } = null!;

    /// <summary>What the daemon wrote lately, for error messages.</summary>
    public string LogTail => _log.Tail();

    /// <summary>The daemon's stdout and stderr, as they arrive.</summary>
    public LogBuffer Log => _log;

    public static string SocketPath(string directory, string name) => Path.Combine(directory, $"{name}.sock");

    /// <summary>Writes the daemon's configuration and returns how to start it.</summary>
    protected abstract Task<ProcessStartInfo> PrepareAsync(string sandboxImage, string registryHost);

    /// <summary>The daemon and every per-pod or per-container process it runs (pause, shims, monitors).</summary>
    public abstract IReadOnlyList<HostProcess> RuntimeProcesses(IReadOnlyList<HostProcess> all);

    public async Task StartAsync(string sandboxImage, string registryHost, CancellationToken cancel)
    {
        System.IO.Directory.CreateDirectory(Directory);
        System.IO.Directory.CreateDirectory(PodLogDirectory);
        await Network.WriteConfListAsync(Path.Combine(Directory, "net.d"), Path.Combine(Directory, "ipam"));
        var info = await PrepareAsync(sandboxImage, registryHost);
        info.RedirectStandardError = true;
        info.RedirectStandardOutput = true;
        info.UseShellExecute = false;
        _daemon = Process.Start(info)!;
        _log.Attach(_daemon);
        await WaitForSocketAsync(cancel);
        _channel = CriChannel.Create(Socket);
        Runtime = new RuntimeService.RuntimeServiceClient(_channel);
        Images = new ImageService.ImageServiceClient(_channel);
        await WaitUntilReadyAsync(cancel);
    }

    /// <summary>SIGTERM, then SIGKILL after 20 s; the host cleanup removes whatever it leaves.</summary>
    public async Task StopAsync()
    {
        _channel?.Dispose();
        _channel = null;
        if (_daemon is not { } daemon)
        {
            return;
        }
        _daemon = null;
        if (!daemon.HasExited)
        {
            Tmds.Linux.LibC.kill(daemon.Id, Tmds.Linux.LibC.SIGTERM);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await daemon.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                daemon.Kill();
                await daemon.WaitForExitAsync();
            }
        }
        daemon.Dispose();
    }

    public virtual async ValueTask DisposeAsync() => await StopAsync();

    public override string ToString() => Name;

    private async Task WaitForSocketAsync(CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            cancel.ThrowIfCancellationRequested();
            if (_daemon!.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_daemon.ExitCode} before serving\n{LogTail}");
            }
            if (File.Exists(Socket))
            {
                using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await probe.ConnectAsync(new UnixDomainSocketEndPoint(Socket), cancel);
                    return;
                }
                catch (SocketException)
                {
                }
            }
            await Task.Delay(50, cancel);
        }
        throw new TimeoutException($"{Name} did not serve {Socket} within {ReadyTimeout.TotalSeconds} s\n{LogTail}");
    }

    /// <summary>Version answers and Status reports the runtime and its network ready, as kubelet waits for.</summary>
    private async Task WaitUntilReadyAsync(CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var version = await Runtime.VersionAsync(new VersionRequest(), cancellationToken: cancel);
                Version = $"{version.RuntimeName} {version.RuntimeVersion}";
                var status = await Runtime.StatusAsync(new StatusRequest(), cancellationToken: cancel);
                var notReady = status.Status.Conditions.Where(c => !c.Status).ToList();
                if (notReady.Count == 0)
                {
                    return;
                }
                last = string.Join("; ", notReady.Select(c => $"{c.Type}: {c.Reason} {c.Message}"));
            }
            catch (RpcException e) when (!cancel.IsCancellationRequested)
            {
                last = e.Status.Detail;
            }
            await Task.Delay(100, cancel);
        }
        throw new TimeoutException($"{Name} not ready within {ReadyTimeout.TotalSeconds} s: {last}\n{LogTail}");
    }
}
