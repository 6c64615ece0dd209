using System.Security.Cryptography;
using CriShim.Contract;
using CriShim.Native;
using CriShim.Protocol.V1;
using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Container.Checkpoint;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Image;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Container;

/// <summary>
/// The first half of CreateContainer: every check and the whole plan (<see cref="ContainerSpecBuilder"/> and what it
/// needs), reading the pod, the image and the host but changing nothing, so a request refused here has acquired
/// nothing (containerd's <c>sandbox_run.go</c> order).
/// </summary>
public sealed class ContainerPlanner(DaemonConfig daemon, ContainerTracker containers, IImageResolver images, ICgroupManager cgroups, IContainerRuntime runtime)
{
    public ContainerPlan Plan(string podSandboxId, ContainerConfig? config)
    {
        if (config?.Metadata is not { Name.Length: > 0 } metadata)
        {
            throw new InvalidArgumentException("container config needs metadata with a name");
        }
        if (config.Image is not { Image.Length: > 0 })
        {
            throw new InvalidArgumentException($"container '{metadata.Name}' names no image");
        }
        var sandbox = (podSandboxId.Length > 0 ? containers.Pods.Resolve(podSandboxId) : null)
            ?? throw new NotFoundException($"pod sandbox '{podSandboxId}' does not exist");
        if (sandbox.State != PodSandboxLifecycle.Ready)
        {
            throw new FailedPreconditionException($"pod sandbox {sandbox.Id} is stopped; containers can only be created in a ready pod");
        }
        // A checkpoint archive brings the ID of the image its container ran.
        var archive = CheckpointRestore.IsArchive(config.Image.Image) ? config.Image.Image : null;
        var imageReference = archive is null ? config.Image.Image : CheckpointRestore.ImageIdOf(archive);
        var image = images.Resolve(imageReference)
            ?? throw new NotFoundException($"image '{imageReference}' is not present on this node; pull it first");
        var logPath = ContainerLogPath.Resolve(sandbox.Config.LogDirectory, config.LogPath);

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var sandboxConfig = sandbox.Config;
        var layers = images.LayerDirectories(image);
        var podUserNamespace = sandbox.Namespaces.HasFlag(NamespaceKinds.User) ? PodUserNamespace.For(sandboxConfig.Linux?.SecurityContext?.NamespaceOptions) : null;
        // Image volumes (KEP-4639) come from the same store; the kubelet pulls them before it creates the container.
        var volumeImages = config.Mounts.Where(ContainerMountResolver.IsImageVolume).Select(m => m.Image.Image).Distinct().ToDictionary(
            reference => reference,
            reference => images.Resolve(reference) ?? throw new NotFoundException($"image volume: image '{reference}' is not present on this node; pull it first"));
        var devices = ContainerMountResolver.ResolveDevices(config.Devices);
        var mounts = ContainerMountResolver.ResolveMounts(config.Mounts, podUserNamespace, reference => images.LayerDirectories(volumeImages[reference]), createMissing: false);
        var directory = containers.Store.DirectoryOf(id);
        var state = containers.StateOf(id);
        var cgroupPath = $"{CgroupParentOf(sandbox)}/crishim-{id}";
        var spec = ContainerSpecBuilder.Build(SpecInputs(id, config, sandbox, sandboxConfig, image, layers, mounts, devices, directory, state, cgroupPath, logPath));
        CheckWorkingDirectory(spec.Process.WorkingDirectory, layers, mounts);
        var resources = config.Linux?.Resources;
        return new ContainerPlan
        {
            Id = id,
            Sandbox = sandbox,
            Config = config,
            Image = image,
            Record = new ContainerRecord
            {
                Id = id,
                SandboxId = sandbox.Id,
                Name = metadata.Name,
                Attempt = metadata.Attempt,
                Image = config.Image.Image,
                ImageId = image.Id,
                // The layers of image volumes stay while the container does, as its own image's do.
                Layers = image.Layers.Concat(volumeImages.Values.SelectMany(v => v.Layers)).Distinct().ToList(),
                CreatedAt = CriTimestamp.Now(),
                Labels = new Dictionary<string, string>(config.Labels),
                Annotations = new Dictionary<string, string>(config.Annotations),
                ConfigJson = Google.Protobuf.JsonFormatter.Default.Format(config),
                LogPath = logPath,
                CgroupPath = cgroupPath,
                StopSignal = StopSignals.Resolve(config.StopSignal, image.Config.StopSignal),
                SpecFile = directory.Spec,
            },
            Spec = spec,
            Directory = directory,
            State = state,
            DeviceRules = ContainerDeviceRules.For(config.Linux?.SecurityContext?.Privileged == true, devices),
            Resources = resources,
            CheckpointArchive = archive,
        };
    }

    private ContainerSpecInputs SpecInputs(
        string id, ContainerConfig config, PodSandboxRecord sandbox, PodSandboxConfig sandboxConfig, ImageRecord image,
        IReadOnlyList<string> layers, IReadOnlyList<ContainerMount> mounts, IReadOnlyList<ContainerDevice> devices,
        ContainerDirectory directory, ContainerStateDirectory state, string cgroupPath, string logPath)
    {
        var files = SandboxDirectory.For(daemon.State, sandbox.Id);
        var pins = new NamespacePins(files.Namespaces);
        string? Pinned(NamespaceKinds kind) => sandbox.Namespaces.HasFlag(kind) ? pins.PathOf(kind) : null;
        return new ContainerSpecInputs
        {
            Id = id,
            Config = config,
            SandboxConfig = sandboxConfig,
            Image = image.Config,
            LayerDirectories = layers,
            Users = UserDatabase.From(new ImageLayerView(layers)),
            NetworkNamespace = Pinned(NamespaceKinds.Network),
            IpcNamespace = Pinned(NamespaceKinds.Ipc),
            UtsNamespace = Pinned(NamespaceKinds.Uts),
            PodPidNamespace = Pinned(NamespaceKinds.Pid),
            UserNamespace = Pinned(NamespaceKinds.User),
            UserMappings = sandbox.Namespaces.HasFlag(NamespaceKinds.User) ? PodUserNamespace.For(sandboxConfig.Linux?.SecurityContext?.NamespaceOptions) : null,
            TargetPidNamespace = TargetPidNamespace(config, sandbox.Id),
            ShmPath = sandbox.Namespaces.HasFlag(NamespaceKinds.Ipc) ? files.Shm : "/dev/shm",
            HostsPath = files.Hosts,
            ResolvConfPath = files.ResolvConf,
            HostnamePath = files.Hostname,
            Hostname = File.Exists(files.Hostname) ? File.ReadAllText(files.Hostname).Trim() : null,
            Mounts = mounts,
            Devices = devices,
            Directory = directory,
            StateDirectory = state.Path,
            StageFiles = StageFileCopies.DirectoryIn(daemon.State),
            DefaultSeccomp = runtime.Handlers.Of(sandbox.RuntimeHandler).DefaultSeccomp,
            LogPath = logPath.Length > 0 ? logPath : null,
            Cgroups = cgroups.ContainerView(cgroupPath),
            MonitorCgroups = cgroups.Placements(MonitorCgroup.Of(cgroupPath, id)),
            OomKillCounter = cgroups.OomKillCounter(cgroupPath),
        };
    }

    /// <summary>A working directory that the image has as a file (and no mount covers) could never be entered: chdir fails with ENOTDIR.</summary>
    private static void CheckWorkingDirectory(string workingDirectory, IReadOnlyList<string> layers, IReadOnlyList<ContainerMount> mounts)
    {
        if (mounts.Any(m => workingDirectory == m.ContainerPath || workingDirectory.StartsWith(m.ContainerPath.TrimEnd('/') + "/", StringComparison.Ordinal)))
        {
            return;
        }
        if (new ImageLayerView(layers).Resolve(workingDirectory) is { } hostPath && FileSystem.KindOf(hostPath) is { } kind && kind != UnixFileKind.Directory)
        {
            throw new InvalidArgumentException($"working directory '{workingDirectory}' is a {kind.ToString().ToLowerInvariant()} in the image, not a directory");
        }
    }

    /// <summary>For PID mode TARGET: the PID namespace of a running container of the same pod.</summary>
    private string? TargetPidNamespace(ContainerConfig config, string sandboxId)
    {
        var options = config.Linux?.SecurityContext?.NamespaceOptions;
        if (options?.Pid != NamespaceMode.Target)
        {
            return null;
        }
        var target = containers.Store.Resolve(options.TargetId) is { } found ? containers.Refresh(found) : null;
        if (target is null || target.Record.SandboxId != sandboxId || target.Status.State != ContainerState.ContainerRunning)
        {
            throw new NotFoundException($"target container '{options.TargetId}' is not a running container of pod {sandboxId}");
        }
        return $"/proc/{target.Status.Pid}/ns/pid";
    }

    /// <summary>Containers get cgroups beside their pod's (pause) cgroup, under the pod's cgroup parent.</summary>
    private static string CgroupParentOf(PodSandboxRecord sandbox) =>
        sandbox.CgroupPath[..sandbox.CgroupPath.LastIndexOf('/')] is { Length: > 0 } parent ? parent : "";
}
