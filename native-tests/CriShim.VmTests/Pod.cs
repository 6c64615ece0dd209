using CriShim.Protocol.V1;

namespace CriShim.VmTests;

/// <summary>A pod on the host network (the VM has no pod network), in its own cgroup parent.</summary>
internal sealed class Pod(VmDaemon daemon, string id, PodSandboxConfig config)
{
    public string Id => id;
    public string CgroupParent => config.Linux.CgroupParent;
    public string LogDirectory => config.LogDirectory;

    /// <summary>A pod under <c>/kubepods/burstable</c>, or under <paramref name="cgroupParentOf"/>'s answer for the uid.</summary>
    public static async Task<Pod> RunAsync(VmDaemon daemon, string name, Func<string, string>? cgroupParentOf = null)
    {
        var uid = $"{name}-{Guid.NewGuid():N}"[..24];
        var config = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Namespace = "vm", Uid = uid, Attempt = 0 },
            Hostname = name,
            LogDirectory = Path.Combine(daemon.WorkDir, "logs", uid),
            Linux = new LinuxPodSandboxConfig
            {
                CgroupParent = cgroupParentOf?.Invoke(uid) ?? $"/kubepods/burstable/pod{uid}",
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Node, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
                },
            },
        };
        Directory.CreateDirectory(config.LogDirectory);
        var response = await daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config });
        return new Pod(daemon, response.PodSandboxId, config);
    }

    /// <summary>Creates and starts a container of the test image, or of the checkpoint archive at <paramref name="image"/>.</summary>
    public async Task<Container> StartAsync(string name, string[] command, LinuxContainerResources? resources = null, Device[]? devices = null,
        SecurityProfile? seccomp = null, string? image = null)
    {
        var registryImage = $"{daemon.RegistryHost}/{PodCgroupScenarios.Repository}:{PodCgroupScenarios.Tag}";
        await daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = registryImage }, SandboxConfig = config });
        // A checkpoint archive (a path, as the kubelet and CRI-O take it) is not pulled; its own image is the registry's.
        image ??= registryImage;
        var containerConfig = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = name },
            Image = new ImageSpec { Image = image },
            Command = { command },
            LogPath = name + ".log",
            Linux = new LinuxContainerConfig
            {
                Resources = resources ?? new LinuxContainerResources(),
                SecurityContext = seccomp is null ? null : new LinuxContainerSecurityContext { Seccomp = seccomp },
            },
            Devices = { devices ?? [] },
        };
        var created = await daemon.Runtime.CreateContainerAsync(new CreateContainerRequest
        {
            PodSandboxId = id,
            Config = containerConfig,
            SandboxConfig = config,
        });
        await daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = created.ContainerId });
        return new Container(daemon, created.ContainerId, Path.Combine(config.LogDirectory, containerConfig.LogPath));
    }

    public async Task<PodSandboxStats> StatsAsync() =>
        (await daemon.Runtime.PodSandboxStatsAsync(new PodSandboxStatsRequest { PodSandboxId = id })).Stats;

    public async Task RemoveAsync()
    {
        try
        {
            await daemon.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id });
        }
        finally
        {
            await daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id });
        }
    }
}
