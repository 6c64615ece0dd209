using System.Text;
using System.Text.Json;
using CriShim.NativeTests.Infrastructure;
using CriShim.NativeTests.Sandbox;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Container;

/// <summary>One registry with the busybox test image for every container test.</summary>
public sealed class ContainerImagesFixture : IAsyncLifetime
{
    public TestRegistry Registry { get; private set; } = null!;

    public string Busybox => $"{Registry.Host}/test/busybox:1";

    public async Task InitializeAsync()
    {
        Registry = await TestRegistry.StartAsync();
        await TestImages.Busybox().PushAsync(Registry, "test/busybox", "1");
    }

    public async Task DisposeAsync() => await Registry.DisposeAsync();
}

[CollectionDefinition("containers")]
public sealed class ContainersCollection : ICollectionFixture<ContainerImagesFixture>;

/// <summary>A daemon with the busybox image pulled, pods from <see cref="PodScene"/>, and container helpers.</summary>
internal sealed class ContainerScene : IAsyncDisposable
{
    private ContainerScene(PodScene pods, string image, string logDirectory)
    {
        Pods = pods;
        Image = image;
        LogDirectory = logDirectory;
    }

    public PodScene Pods { get; }
    public DaemonProcess Daemon => Pods.Daemon;
    public RuntimeService.RuntimeServiceClient Runtime => Daemon.Runtime;
    public string Image { get; }
    public string LogDirectory { get; }

    public static async Task<ContainerScene> StartAsync(ContainerImagesFixture images, params string[] daemonArgs)
    {
        var pods = await PodScene.StartAsync(daemonArgs);
        await pods.Daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = images.Busybox } });
        return new ContainerScene(pods, images.Busybox, Path.Combine(pods.Daemon.WorkDir, "logs"));
    }

    public async Task<(string PodId, PodSandboxConfig Config)> PodAsync(string name, NamespaceMode network = NamespaceMode.Node,
        NamespaceMode pid = NamespaceMode.Pod, bool privileged = false)
    {
        var config = Pods.Config(name, network, pid);
        config.LogDirectory = Path.Combine(LogDirectory, name);
        config.Linux.SecurityContext.Privileged = privileged;
        return (await Pods.RunAsync(config), config);
    }

    public ContainerConfig Config(string name, params string[] command)
    {
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = name },
            Image = new ImageSpec { Image = Image },
            LogPath = $"{name}/0.log",
            Labels = { ["container"] = name },
            Annotations = { ["note"] = "native test" },
            Linux = new LinuxContainerConfig { SecurityContext = new LinuxContainerSecurityContext(), Resources = new LinuxContainerResources() },
        };
        config.Command.AddRange(command);
        return config;
    }

    public async Task<string> CreateAsync(string podId, PodSandboxConfig podConfig, ContainerConfig config) =>
        (await Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = podConfig })).ContainerId;

    public async Task<string> RunAsync(string podId, PodSandboxConfig podConfig, ContainerConfig config)
    {
        var id = await CreateAsync(podId, podConfig, config);
        try
        {
            await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        }
        catch (Grpc.Core.RpcException e)
        {
            var monitorLog = Path.Combine(Daemon.State, "containers", id, "monitor.log");
            throw new InvalidOperationException($"{e.Status.Detail}\nmonitor.log: {(File.Exists(monitorLog) ? File.ReadAllText(monitorLog) : "(none)")}", e);
        }
        return id;
    }

    public async Task<ContainerStatus> StatusAsync(string id) =>
        (await Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status;

    public async Task<JsonElement> InfoAsync(string id) =>
        JsonDocument.Parse((await Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id, Verbose = true })).Info["info"]).RootElement;

    /// <summary>Waits until the container has exited and returns its status.</summary>
    public async Task<ContainerStatus> WaitExitedAsync(string id, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var status = await StatusAsync(id);
            if (status.State == ContainerState.ContainerExited)
            {
                return status;
            }
            Assert.True(DateTime.UtcNow < deadline, $"container {id} still {status.State} after {seconds} s\n{Daemon.Log}");
            await Task.Delay(50);
        }
    }

    public async Task<(int ExitCode, string Stdout, string Stderr)> ExecAsync(string id, long timeout, params string[] command)
    {
        var request = new ExecSyncRequest { ContainerId = id, Timeout = timeout };
        request.Cmd.AddRange(command);
        var response = await Runtime.ExecSyncAsync(request);
        return (response.ExitCode, response.Stdout.ToStringUtf8(), response.Stderr.ToStringUtf8());
    }

    /// <summary>The stdout content of a CRI log file, partial lines joined, as <c>crictl logs</c> prints it.</summary>
    public static string LogContent(string path, string stream = "stdout")
    {
        var text = new StringBuilder();
        foreach (var line in File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 4);
            if (parts[1] != stream)
            {
                continue;
            }
            text.Append(parts.Length > 3 ? parts[3] : "");
            if (parts[2] == "F")
            {
                text.Append('\n');
            }
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync() => await Pods.DisposeAsync();
}
