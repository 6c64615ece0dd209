using CriShim.Contract;
using CriShim.Protocol.V1;
using CriShim.Runtime.Container;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Image;

namespace CriShim.Runtime.Tests.Container;

public sealed class ContainerSpecBuilderTests
{
    private static ContainerSpecInputs Inputs(ContainerConfig config, ImageRuntimeConfig? image = null, bool privilegedPod = false) => new()
    {
        Id = "c1",
        Config = config,
        SandboxConfig = new PodSandboxConfig
        {
            Linux = new LinuxPodSandboxConfig { SecurityContext = new LinuxSandboxSecurityContext { Privileged = privilegedPod } },
        },
        Image = image ?? new ImageRuntimeConfig { Entrypoint = ["/bin/ep"], Cmd = ["cmd"], Env = ["PATH=/bin", "A=1"], WorkingDir = "/srv", User = "app" },
        LayerDirectories = ["/layers/top", "/layers/bottom"],
        Users = UserDatabase.Parse("root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n", "wheel:x:10:app\n"),
        NetworkNamespace = "/run/pod/ns/net",
        IpcNamespace = "/run/pod/ns/ipc",
        UtsNamespace = "/run/pod/ns/uts",
        ShmPath = "/run/pod/shm",
        Hostname = "pod",
        Directory = new ContainerDirectory("/var/lib/c1"),
        StateDirectory = "/run/c1",
        LogPath = "/var/log/pods/x/c/0.log",
        Cgroups = [new CgroupPlacement { Hierarchy = "memory", Directory = "/sys/fs/cgroup/memory/pod/c1" }],
    };

    private static ContainerConfig Config(Action<ContainerConfig>? change = null)
    {
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = "c" },
            Image = new ImageSpec { Image = "busybox" },
            Linux = new LinuxContainerConfig { SecurityContext = new LinuxContainerSecurityContext() },
        };
        change?.Invoke(config);
        return config;
    }

    [Fact]
    public void Process_merges_image_and_config()
    {
        var spec = ContainerSpecBuilder.Build(Inputs(Config(c =>
        {
            c.Args.Add("arg");
            c.Envs.Add(new KeyValue { Key = "A", Value = "2" });
            c.Tty = true;
        })));

        Assert.Equal(["/bin/ep", "arg"], spec.Process.Args);
        Assert.Equal(["PATH=/bin", "A=2", "HOSTNAME=pod", "HOME=/home/app"], spec.Process.Env);
        Assert.Equal("/srv", spec.Process.WorkingDirectory);
        Assert.Equal((1000u, 1000u), (spec.Process.User.Uid, spec.Process.User.Gid));
        Assert.Equal([1000u, 10u], spec.Process.User.AdditionalGids);
        Assert.True(spec.Process.Tty);
        Assert.Equal(Capabilities.Default.Count, spec.Process.Capabilities.Count);
    }

    [Fact]
    public void Rootfs_namespaces_and_files_come_from_the_inputs()
    {
        var spec = ContainerSpecBuilder.Build(Inputs(Config(c => c.Linux.SecurityContext.ReadonlyRootfs = true)));

        Assert.Equal(["/layers/top", "/layers/bottom"], spec.Rootfs.LowerDirectories);
        Assert.Equal("/var/lib/c1/upper", spec.Rootfs.UpperDirectory);
        Assert.Equal("/var/lib/c1/work", spec.Rootfs.WorkDirectory);
        Assert.True(spec.Rootfs.Readonly);
        Assert.Equal("/run/pod/ns/net", spec.Namespaces.NetworkPath);
        Assert.Equal(PidNamespaceMode.New, spec.Namespaces.PidMode);
        Assert.Equal("/run/pod/shm", spec.ShmPath);
        Assert.Equal("/var/log/pods/x/c/0.log", spec.LogPath);
        Assert.Null(spec.OomScoreAdj);
    }

    [Fact]
    public void Empty_masked_and_readonly_lists_get_containerd_defaults_and_given_lists_are_kept()
    {
        var defaults = ContainerSpecBuilder.Build(Inputs(Config()));
        Assert.Contains("/proc/kcore", defaults.MaskedPaths);
        Assert.Contains("/proc/sys", defaults.ReadonlyPaths);

        var given = ContainerSpecBuilder.Build(Inputs(Config(c =>
        {
            c.Linux.SecurityContext.MaskedPaths.Add("/proc/x");
            c.Linux.SecurityContext.ReadonlyPaths.Add("/proc/y");
        })));
        Assert.Equal(["/proc/x"], given.MaskedPaths);
        Assert.Equal(["/proc/y"], given.ReadonlyPaths);
    }

    [Fact]
    public void Privileged_gets_all_capabilities_and_no_masked_paths_but_needs_a_privileged_pod()
    {
        var config = Config(c => c.Linux.SecurityContext.Privileged = true);
        Assert.Throws<InvalidArgumentException>(() => ContainerSpecBuilder.Build(Inputs(config)));

        var spec = ContainerSpecBuilder.Build(Inputs(config, privilegedPod: true));

        Assert.True(spec.Privileged);
        Assert.Equal(Capabilities.Known, spec.Process.Capabilities);
        Assert.Empty(spec.MaskedPaths);
        Assert.Empty(spec.ReadonlyPaths);
    }

    [Fact]
    public void Runtime_default_seccomp_is_compiled_for_the_containers_capabilities()
    {
        var config = Config(c =>
        {
            c.Linux.SecurityContext.Seccomp = new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.RuntimeDefault };
            c.Linux.SecurityContext.Capabilities = new Capability { AddCapabilities = { "SYS_ADMIN" } };
        });

        var withAdmin = ContainerSpecBuilder.Build(Inputs(config)).Process.Seccomp;
        config.Linux.SecurityContext.Capabilities = null;
        var without = ContainerSpecBuilder.Build(Inputs(config)).Process.Seccomp;

        Assert.NotNull(withAdmin);
        Assert.NotNull(without);
        Assert.Equal(0, withAdmin.Filter.Length % 8);
        Assert.InRange(without.Filter.Length / 8, 1, 4096); // BPF_MAXINSNS
        Assert.NotEqual(withAdmin.Filter, without.Filter);
    }

    [Fact]
    public void Unconfined_seccomp_and_privileged_containers_get_no_filter()
    {
        var unconfined = Config(c => c.Linux.SecurityContext.Seccomp = new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.Unconfined });
        var privileged = Config(c =>
        {
            c.Linux.SecurityContext.Privileged = true;
            c.Linux.SecurityContext.Seccomp = new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.RuntimeDefault };
        });

        Assert.Null(ContainerSpecBuilder.Build(Inputs(unconfined)).Process.Seccomp);
        Assert.Null(ContainerSpecBuilder.Build(Inputs(privileged, privilegedPod: true)).Process.Seccomp);
    }

    [Fact]
    public void An_apparmor_profile_is_refused_and_selinux_options_are_accepted()
    {
        var apparmor = Config(c => c.Linux.SecurityContext.Apparmor = new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.RuntimeDefault });
        var selinux = Config(c => c.Linux.SecurityContext.SelinuxOptions = new SELinuxOption { User = "system_u", Role = "system_r", Type = "container_t", Level = "s0:c1,c2" });

        Assert.Contains("apparmor", Assert.Throws<FailedPreconditionException>(() => ContainerSpecBuilder.Build(Inputs(apparmor))).Message);
        ContainerSpecBuilder.Build(Inputs(selinux));
    }

    [Fact]
    public void Pid_modes_map_to_new_join_and_host()
    {
        ContainerSpecInputs With(NamespaceMode mode, string? podPid = null) => Inputs(Config(c =>
            c.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = mode })) with { PodPidNamespace = podPid };

        Assert.Equal(PidNamespaceMode.Host, ContainerSpecBuilder.Build(With(NamespaceMode.Node)).Namespaces.PidMode);
        var pod = ContainerSpecBuilder.Build(With(NamespaceMode.Pod, "/run/pod/ns/pid")).Namespaces;
        Assert.Equal((PidNamespaceMode.Join, "/run/pod/ns/pid"), (pod.PidMode, pod.PidPath));
        Assert.Throws<InvalidArgumentException>(() => ContainerSpecBuilder.Build(With(NamespaceMode.Pod)));
    }

    [Fact]
    public void Run_as_group_without_user_and_relative_working_dirs_are_invalid()
    {
        Assert.Throws<InvalidArgumentException>(() => ContainerSpecBuilder.Build(Inputs(Config(c =>
            c.Linux.SecurityContext.RunAsGroup = new Int64Value { Value = 5 }))));
        Assert.Throws<InvalidArgumentException>(() => ContainerSpecBuilder.Build(Inputs(Config(c => c.WorkingDir = "rel"))));
    }

    [Fact]
    public void Oom_score_adj_is_passed_when_resources_are_given()
    {
        var spec = ContainerSpecBuilder.Build(Inputs(Config(c => c.Linux.Resources = new LinuxContainerResources { OomScoreAdj = 999 })));
        Assert.Equal(999, spec.OomScoreAdj);
    }
}
