using CriShim.Contract;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Sandbox;
using CriShim.Runtime.Security;

namespace CriShim.Runtime.Container;

/// <summary>
/// Plans a container: CRI ContainerConfig + what the sandbox made + the image → the
/// <see cref="ContainerProcessSpec"/> the runtime helper executes. Pure: every host fact comes in
/// through <see cref="ContainerSpecInputs"/>, so each rule here is unit-tested.
/// </summary>
public static class ContainerSpecBuilder
{
    /// <summary>containerd's defaults, used when the kubelet sends empty lists.</summary>
    public static IReadOnlyList<string> DefaultMaskedPaths { get; } =
    [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/sys/devices/virtual/powercap", "/proc/scsi",
    ];

    public static IReadOnlyList<string> DefaultReadonlyPaths { get; } =
        ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    public static ContainerProcessSpec Build(ContainerSpecInputs inputs)
    {
        var config = inputs.Config;
        var security = config.Linux?.SecurityContext ?? new LinuxContainerSecurityContext();
        var privileged = security.Privileged;
        if (privileged && inputs.SandboxConfig.Linux?.SecurityContext?.Privileged != true)
        {
            throw new InvalidArgumentException("a privileged container needs a privileged pod sandbox (linux.security_context.privileged in the pod config)");
        }
        MandatoryAccessControl.CheckContainer(security);
        CheckUserNamespace(security.NamespaceOptions?.UsernsOptions, inputs.UserMappings);
        var capabilities = Capabilities.For(privileged, security.Capabilities);
        var seccomp = SeccompProgramCompiler.Compile(SeccompProfileSelector.ForContainer(security, capabilities, inputs.SeccompHost, inputs.DefaultSeccomp));
        var user = ContainerUserResolver.Resolve(security, inputs.Image.User, inputs.Users);
        return new ContainerProcessSpec
        {
            Id = inputs.Id,
            StateDirectory = inputs.StateDirectory,
            StageFiles = inputs.StageFiles,
            Process = new ProcessSpec
            {
                Args = ContainerCommandLine.Merge(config.Command, config.Args, inputs.Image.Entrypoint, inputs.Image.Cmd),
                Env = ContainerEnvironment.Merge(
                    inputs.Image.Env, config.Envs.Select(e => KeyValuePair.Create(e.Key, e.Value)), inputs.Hostname, user.Home),
                WorkingDirectory = WorkingDirectory(config.WorkingDir, inputs.Image.WorkingDir),
                User = new ProcessUser
                {
                    Uid = (uint)user.Uid,
                    Gid = (uint)user.Gid,
                    AdditionalGids = user.AdditionalGids.Select(g => (uint)g).ToList(),
                },
                Capabilities = capabilities,
                NoNewPrivileges = security.NoNewPrivs,
                Seccomp = seccomp,
                Tty = config.Tty,
                Stdin = config.Stdin,
                StdinOnce = config.StdinOnce,
            },
            Namespaces = new ContainerNamespaces
            {
                NetworkPath = inputs.NetworkNamespace,
                IpcPath = inputs.IpcNamespace,
                UtsPath = inputs.UtsNamespace,
                PidMode = PidMode(security.NamespaceOptions?.Pid ?? NamespaceMode.Container),
                PidPath = PidPath(security.NamespaceOptions?.Pid ?? NamespaceMode.Container, inputs),
                UserPath = inputs.UserNamespace,
                UserMappings = inputs.UserMappings,
            },
            Rootfs = new ContainerRootfs
            {
                LowerDirectories = inputs.LayerDirectories,
                UpperDirectory = inputs.Directory.Upper,
                WorkDirectory = inputs.Directory.Work,
                MountPoint = inputs.Directory.Rootfs,
                Readonly = security.ReadonlyRootfs,
            },
            Mounts = inputs.Mounts,
            Devices = inputs.Devices,
            Privileged = privileged,
            ShmPath = inputs.ShmPath,
            HostsPath = inputs.HostsPath,
            ResolvConfPath = inputs.ResolvConfPath,
            HostnamePath = inputs.HostnamePath,
            MaskedPaths = privileged ? [] : OrDefault(security.MaskedPaths, DefaultMaskedPaths),
            ReadonlyPaths = privileged ? [] : OrDefault(security.ReadonlyPaths, DefaultReadonlyPaths),
            Cgroups = inputs.Cgroups,
            MonitorCgroups = inputs.MonitorCgroups,
            OomKillCounter = inputs.OomKillCounter,
            OomScoreAdj = config.Linux?.Resources is { } resources ? (int)Math.Clamp(resources.OomScoreAdj, -1000, 1000) : null,
            LogPath = inputs.LogPath,
        };
    }

    private static string WorkingDirectory(string configured, string image)
    {
        var directory = configured.Length > 0 ? configured : image.Length > 0 ? image : "/";
        return directory.StartsWith('/')
            ? directory
            : throw new InvalidArgumentException($"working directory '{directory}' must be an absolute path");
    }

    /// <summary>A container lives in its pod's user namespace; the kubelet repeats the pod's options, which must agree.</summary>
    private static void CheckUserNamespace(UserNamespace? requested, UserNamespaceMappings? pod)
    {
        switch (requested?.Mode)
        {
            case null:
                return;
            case NamespaceMode.Container:
                throw new UnimplementedException("userns_options mode CONTAINER (a user namespace per container) is not supported by crishim: use POD");
            case NamespaceMode.Node when pod is not null:
                throw new InvalidArgumentException("the container asks for the host's user namespace (userns_options mode NODE) in a pod with its own");
            case NamespaceMode.Node:
                return;
            case NamespaceMode.Pod when pod is null:
                throw new InvalidArgumentException("the container asks for the pod's user namespace (userns_options mode POD), but the pod was created without one");
            case NamespaceMode.Pod when !PodUserNamespace.AreThePods(requested.Uids, requested.Gids, pod):
                throw new InvalidArgumentException("the container's userns_options mappings differ from its pod's");
            case NamespaceMode.Pod:
                return;
            default:
                throw new InvalidArgumentException($"userns_options mode {requested.Mode} is not valid: use POD or NODE");
        }
    }

    private static PidNamespaceMode PidMode(NamespaceMode mode) => mode switch
    {
        NamespaceMode.Container => PidNamespaceMode.New,
        NamespaceMode.Pod or NamespaceMode.Target => PidNamespaceMode.Join,
        NamespaceMode.Node => PidNamespaceMode.Host,
        _ => throw new InvalidArgumentException($"PID namespace mode {mode} is not known"),
    };

    private static string? PidPath(NamespaceMode mode, ContainerSpecInputs inputs) => mode switch
    {
        NamespaceMode.Pod => inputs.PodPidNamespace
            ?? throw new InvalidArgumentException("PID namespace mode POD needs a pod that shares its PID namespace (pod namespace_options.pid = POD)"),
        NamespaceMode.Target => inputs.TargetPidNamespace
            ?? throw new InvalidArgumentException("PID namespace mode TARGET needs namespace_options.target_id naming a running container of the same pod"),
        _ => null,
    };

    private static IReadOnlyList<string> OrDefault(IReadOnlyCollection<string> requested, IReadOnlyList<string> defaults) =>
        requested.Count > 0 ? requested.ToList() : defaults;
}
