using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.Bench.Runtimes;

/// <summary>
/// The CRI calls every benchmark makes, written once and sent to either runtime: pod and container
/// configs shaped like kubelet's (own cgroup parent, pod PID namespace per container, a log
/// directory), and the sequences kubelet runs to start and tear down pods.
/// </summary>
public sealed class CriWorkload(BenchRuntime runtime, string image)
{
    /// <summary>Per call; generous so a slow runtime is measured rather than cut off.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(2);
    private static int _sequence;

    public BenchRuntime Runtime => runtime;

    public PodSandboxConfig PodConfig(string name)
    {
        var uid = Guid.NewGuid().ToString();
        return new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Namespace = "bench", Uid = uid, Attempt = 0 },
            Hostname = name,
            LogDirectory = Path.Combine(runtime.PodLogDirectory, $"{name}_{uid}"),
            Labels = { ["app"] = "crishim-bench" },
            Linux = new LinuxPodSandboxConfig
            {
                CgroupParent = $"{runtime.CgroupSubtree}/pod{uid}",
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
                },
            },
        };
    }

    public static ContainerConfig SleepContainer(string name) => new()
    {
        Metadata = new ContainerMetadata { Name = name, Attempt = 0 },
        Image = new ImageSpec(),
        Command = { "sleep", "86400" },
        LogPath = $"{name}.log",
        Labels = { ["app"] = "crishim-bench" },
        Linux = new LinuxContainerConfig
        {
            SecurityContext = new LinuxContainerSecurityContext
            {
                NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
            },
        },
    };

    /// <summary>A name no earlier call in this run used, so pods and containers never collide.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Interlocked.Increment(ref _sequence)}";

    public static CallOptions Call(CancellationToken cancel) => new(deadline: DateTime.UtcNow + CallTimeout, cancellationToken: cancel);

    public async Task PullAsync(CancellationToken cancel) =>
        await runtime.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image } }, Call(cancel));

    /// <summary>Removes the image by name; the runtime deletes unused layers with it.</summary>
    public async Task RemoveImageAsync(CancellationToken cancel) =>
        await runtime.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = image } }, Call(cancel));

    public async Task<(string Id, PodSandboxConfig Config)> RunPodAsync(string name, CancellationToken cancel)
    {
        var config = PodConfig(name);
        var response = await runtime.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config }, Call(cancel));
        return (response.PodSandboxId, config);
    }

    public async Task<string> CreateContainerAsync(string podId, PodSandboxConfig podConfig, string name, CancellationToken cancel)
    {
        var config = SleepContainer(name);
        config.Image.Image = image;
        var response = await runtime.Runtime.CreateContainerAsync(
            new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = podConfig }, Call(cancel));
        return response.ContainerId;
    }

    public async Task StartContainerAsync(string id, CancellationToken cancel) =>
        await runtime.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id }, Call(cancel));

    /// <summary>Stop with no grace period (sleep as PID 1 ignores SIGTERM), then remove.</summary>
    public async Task StopAndRemoveContainerAsync(string id, CancellationToken cancel)
    {
        await runtime.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 0 }, Call(cancel));
        await runtime.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id }, Call(cancel));
    }

    public async Task StopAndRemovePodAsync(string id, CancellationToken cancel)
    {
        await runtime.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id }, Call(cancel));
        await runtime.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id }, Call(cancel));
    }

    /// <summary>Tears down every pod the runtime has (the end of each benchmark, and of the run).</summary>
    public async Task RemoveAllPodsAsync(CancellationToken cancel)
    {
        var pods = await runtime.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest(), Call(cancel));
        foreach (var pod in pods.Items)
        {
            await StopAndRemovePodAsync(pod.Id, cancel);
        }
    }
}
