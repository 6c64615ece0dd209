using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.NativeTests.Sandbox;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Security;

/// <summary>
/// User namespaces (KEP-127, the kubelet's <c>hostUsers: false</c>) through the real daemon: a pod with
/// <c>userns_options</c> mode POD runs its pause and containers in a user namespace with the kubelet's mappings,
/// its image is seen with its own owners through id-mapped layers, and its root is nobody on the host.
/// </summary>
[Collection("containers")]
public sealed class UserNamespaceTests(ContainerImagesFixture images) : IDisposable
{
    /// <summary>A range of this test's own (a multiple of 65536, as the kubelet allocates), far above any real user.</summary>
    private const uint HostId = 30517u * 65536u;

    private const uint Length = 65536;

    private readonly string _volume = Directory.CreateTempSubdirectory("crishimtest-userns-").FullName;

    public void Dispose() => Directory.Delete(_volume, recursive: true);

    private static UserNamespace Userns(NamespaceMode mode = NamespaceMode.Pod, uint hostId = HostId)
    {
        var userns = new UserNamespace { Mode = mode };
        if (mode == NamespaceMode.Pod)
        {
            userns.Uids.Add(new IDMapping { ContainerId = 0, HostId = hostId, Length = Length });
            userns.Gids.Add(new IDMapping { ContainerId = 0, HostId = hostId, Length = Length });
        }
        return userns;
    }

    private static async Task<(ContainerScene Scene, TestCniNetwork Network)> StartAsync(ContainerImagesFixture images)
    {
        var scene = await ContainerScene.StartAsync(images);
        var network = await TestCniNetwork.CreateAsync(scene.Daemon.CniConfDir, scene.Daemon.WorkDir, "crishimus", "crishimus0", "10.99.181.0/24");
        return (scene, network);
    }

    private static PodSandboxConfig PodConfig(ContainerScene scene, string name, UserNamespace userns)
    {
        var config = scene.Pods.Config(name, NamespaceMode.Pod, NamespaceMode.Pod);
        config.LogDirectory = Path.Combine(scene.LogDirectory, name);
        config.Linux.SecurityContext.NamespaceOptions.UsernsOptions = userns;
        return config;
    }

    private static ContainerConfig InPod(ContainerConfig config)
    {
        config.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Pod, UsernsOptions = Userns() };
        return config;
    }

    private static string Line(uint container, uint host, uint length) => $"{container} {host} {length}";

    private static string Squeeze(string text) => string.Join(' ', text.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries));

    [RootFact]
    public async Task Pod_and_containers_share_a_user_namespace_with_the_kubelets_mappings()
    {
        var (scene, network) = await StartAsync(images);
        await using var _ = scene;
        await using var __ = network;
        var podConfig = PodConfig(scene, "userns", Userns());
        var pod = await scene.Pods.RunAsync(podConfig);
        var pause = await scene.Pods.PausePidAsync(pod);
        var app = await scene.RunAsync(pod, podConfig, InPod(scene.Config("app", "sleep", "1000")));
        var appPid = (await scene.InfoAsync(app)).GetProperty("pid").GetInt32();
        var running = await scene.StatusAsync(app);
        Assert.True(running.State == ContainerState.ContainerRunning, $"{running.State} {running.ExitCode} {running.Reason} {running.Message}");

        // Pause, the container and the pin are in one namespace that is not the host's, mapped as asked.
        var userns = PodScene.NamespaceOf(pause, "user");
        Assert.NotEqual(PodScene.NamespaceOf(Environment.ProcessId, "user"), userns);
        Assert.Equal(userns, PodScene.NamespaceOf(appPid, "user"));
        Assert.True(File.Exists(Path.Combine(scene.Pods.SandboxStateDir(pod), "ns", "user")));
        Assert.Equal(Line(0, HostId, Length), Squeeze(File.ReadAllText($"/proc/{pause}/uid_map")));
        // Root inside is the mapped uid outside: real, effective, saved and file system ids.
        Assert.Equal($"{HostId} {HostId} {HostId} {HostId}", Squeeze(PodScene.StatusField(appPid, "Uid")));

        // What the container (and an exec in it) sees of itself.
        var uidMap = await scene.ExecAsync(app, 10, "cat", "/proc/self/uid_map", "/proc/self/gid_map");
        Assert.Equal(0, uidMap.ExitCode);
        Assert.Equal($"{Line(0, HostId, Length)} {Line(0, HostId, Length)}", Squeeze(uidMap.Stdout));
        var id = await scene.ExecAsync(app, 10, "id", "-u");
        Assert.Equal("0", id.Stdout.Trim());

        // The helper stage before an exec runs through the host's loader, which reads no file of the container's:
        // had it read this one, it would complain on the exec's stderr that it cannot preload the library.
        Assert.Equal(0, (await scene.ExecAsync(app, 10, "sh", "-c", "echo /nonexistent-preload.so > /etc/ld.so.preload")).ExitCode);
        var afterPreload = await scene.ExecAsync(app, 10, "true");
        Assert.Equal(0, afterPreload.ExitCode);
        Assert.DoesNotContain("preload", afterPreload.Stderr);

        var status = await scene.Runtime.StatusAsync(new StatusRequest());
        Assert.All(status.RuntimeHandlers, h => Assert.True(h.Features.UserNamespaces));

        await scene.Pods.StopAsync(pod);
        await scene.Pods.RemoveAsync(pod);
        scene.Pods.AssertNothingLeft(pod, null);
    }

    [RootFact]
    public async Task The_image_keeps_its_owners_and_what_root_writes_belongs_to_the_mapped_uid()
    {
        var (scene, network) = await StartAsync(images);
        await using var _ = scene;
        await using var __ = network;
        var podConfig = PodConfig(scene, "userns-files", Userns());
        var pod = await scene.Pods.RunAsync(podConfig);
        var plainDir = Path.Combine(_volume, "plain");
        var mappedDir = Path.Combine(_volume, "mapped");
        // Writable for anyone (as /tmp): the container's root is nobody to a root-owned host directory.
        Directory.CreateDirectory(plainDir, (UnixFileMode)0x1FF);
        File.SetUnixFileMode(plainDir, (UnixFileMode)0x1FF);
        Directory.CreateDirectory(mappedDir);
        File.WriteAllText(Path.Combine(mappedDir, "host-file"), "from the host");
        var config = InPod(scene.Config("files", "sleep", "1000"));
        config.Mounts.Add(new Mount { HostPath = plainDir, ContainerPath = "/plain" });
        var mapped = new Mount { HostPath = mappedDir, ContainerPath = "/mapped" };
        mapped.UidMappings.Add(new IDMapping { ContainerId = 0, HostId = HostId, Length = Length });
        mapped.GidMappings.Add(new IDMapping { ContainerId = 0, HostId = HostId, Length = Length });
        config.Mounts.Add(mapped);
        var app = await scene.RunAsync(pod, podConfig, config);

        // Through the id-mapped layers the image's root-owned files are root's, and root may write its own root.
        var owners = await scene.ExecAsync(app, 10, "stat", "-c", "%u:%g", "/bin", "/etc/passwd", "/");
        Assert.Equal("0:0 0:0 0:0", Squeeze(owners.Stdout));
        Assert.Equal(0, (await scene.ExecAsync(app, 10, "touch", "/written-in-rootfs", "/plain/created", "/mapped/created")).ExitCode);

        // On the host, root's files are the mapped uid's, except on the id-mapped volume, which maps them back.
        var upper = Directory.EnumerateDirectories(Path.Combine(scene.Daemon.Root, "containers")).Select(d => Path.Combine(d, "upper"))
            .Single(u => File.Exists(Path.Combine(u, "written-in-rootfs")));
        Assert.Equal(HostId, await OwnerOfAsync(Path.Combine(upper, "written-in-rootfs")));
        Assert.Equal(HostId, await OwnerOfAsync(Path.Combine(plainDir, "created")));
        Assert.Equal(0u, await OwnerOfAsync(Path.Combine(mappedDir, "created")));
        var hostFile = await scene.ExecAsync(app, 10, "stat", "-c", "%u", "/mapped/host-file", "/");
        Assert.Equal($"0 0", Squeeze(hostFile.Stdout));
        var unmapped = await scene.ExecAsync(app, 10, "stat", "-c", "%u", "/plain");
        Assert.Equal(Overflow, unmapped.Stdout.Trim());
    }

    [RootFact]
    public async Task An_image_volume_keeps_the_images_owners_through_id_mapped_layers()
    {
        var (scene, network) = await StartAsync(images);
        await using var _ = scene;
        await using var __ = network;
        // Two layers, as a root's: the volume's overlay is made of both, each id-mapped.
        var first = TestLayer.From(TestImages.Tar(t =>
        {
            t.Directory("data");
            t.File("data/root-file", "root's\n");
        }));
        var second = TestLayer.From(TestImages.Tar(t =>
        {
            t.Directory("data");
            t.File("data/user-file", "user's\n", uid: 1000, gid: 1001);
        }));
        await TestImages.Build([first, second]).PushAsync(images.Registry, "test/userns-image-volume", "1");
        var data = $"{images.Registry.Host}/test/userns-image-volume:1";
        await scene.Daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = data } });
        var podConfig = PodConfig(scene, "userns-image-volume", Userns());
        var pod = await scene.Pods.RunAsync(podConfig);
        var config = InPod(scene.Config("reader", "sleep", "1000"));
        config.Mounts.Add(new Mount { ContainerPath = "/image", Image = new ImageSpec { Image = data } });
        var app = await scene.RunAsync(pod, podConfig, config);

        // Root-owned in the image is root's inside (not the overflow id), and another owner keeps its id too.
        var owners = await scene.ExecAsync(app, 10, "stat", "-c", "%u:%g", "/image/data", "/image/data/root-file", "/image/data/user-file");
        Assert.Equal("0:0 0:0 1000:1001", Squeeze(owners.Stdout));
        Assert.Equal("root's", (await scene.ExecAsync(app, 10, "cat", "/image/data/root-file")).Stdout.Trim());
        // Still read-only, even for the namespace's root that owns the files.
        var write = await scene.ExecAsync(app, 10, "touch", "/image/data/new");
        Assert.Contains("Read-only file system", write.Stderr);

        await scene.Pods.StopAsync(pod);
        await scene.Pods.RemoveAsync(pod);
        scene.Pods.AssertNothingLeft(pod, null);
    }

    /// <summary>The id a file whose owner has no mapping shows inside (kernel.overflowuid).</summary>
    private static string Overflow => File.ReadAllText("/proc/sys/kernel/overflowuid").Trim();

    private static async Task<uint> OwnerOfAsync(string path) =>
        uint.Parse((await Shell.Run("stat", "-c", "%u", path)).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    [RootFact]
    public async Task Root_with_every_capability_cannot_touch_the_host_kernel()
    {
        var (scene, network) = await StartAsync(images);
        await using var _ = scene;
        await using var __ = network;
        var podConfig = PodConfig(scene, "userns-caps", Userns());
        var pod = await scene.Pods.RunAsync(podConfig);
        var config = InPod(scene.Config("caps", "sleep", "1000"));
        config.Linux.SecurityContext.Capabilities = new Capability { AddCapabilities = { "ALL" } };
        // /proc/sys stays writable as a mount, so only the user namespace stands in the way.
        config.Linux.SecurityContext.ReadonlyPaths.Add("/proc/bus");
        var app = await scene.RunAsync(pod, podConfig, config);

        var capabilities = await scene.ExecAsync(app, 10, "grep", "CapEff", "/proc/self/status");
        var effective = ulong.Parse(capabilities.Stdout.Split(':')[1].Trim(), System.Globalization.NumberStyles.HexNumber);
        const int SysModule = 16, SysAdmin = 21;
        Assert.True((effective >> SysModule & 1) == 1 && (effective >> SysAdmin & 1) == 1, capabilities.Stdout);
        // The same value back: were the write allowed, nothing on the host would change.
        var swappiness = File.ReadAllText("/proc/sys/vm/swappiness").Trim();
        var sysctl = await scene.ExecAsync(app, 10, "sh", "-c", $"echo {swappiness} > /proc/sys/vm/swappiness");
        Assert.NotEqual(0, sysctl.ExitCode);
        Assert.Contains("Permission denied", sysctl.Stderr);
        // The mount namespace belongs to the host's user namespace: no mount, whatever the capabilities.
        var mount = await scene.ExecAsync(app, 10, "mount", "-t", "tmpfs", "tmpfs", "/mnt");
        Assert.NotEqual(0, mount.ExitCode);
    }

    /// <summary>A root fact for a kernel that loads modules; without CONFIG_MODULES init_module is ENOSYS for everyone.</summary>
    public sealed class ModuleKernelFactAttribute : FactAttribute
    {
        public ModuleKernelFactAttribute()
        {
            Skip = !Environment.IsPrivilegedProcess ? "needs root: native tests drive the real kernel and the crishim daemon"
                : !File.Exists("/proc/modules") ? "this kernel has no loadable modules (no /proc/modules): init_module fails with ENOSYS even for the host's root"
                : null;
        }
    }

    [ModuleKernelFact]
    public async Task Root_with_every_capability_cannot_load_a_module()
    {
        var (scene, network) = await StartAsync(images);
        await using var _ = scene;
        await using var __ = network;
        var podConfig = PodConfig(scene, "userns-module", Userns());
        var pod = await scene.Pods.RunAsync(podConfig);
        var config = InPod(scene.Config("module", "sleep", "1000"));
        config.Linux.SecurityContext.Capabilities = new Capability { AddCapabilities = { "ALL" } };
        var app = await scene.RunAsync(pod, podConfig, config);
        // init_module checks CAP_SYS_MODULE in the initial namespace before it reads the module.
        var module = await scene.ExecAsync(app, 10, "sh", "-c", "echo not-a-module > /tmp/m.ko; insmod /tmp/m.ko");
        Assert.NotEqual(0, module.ExitCode);
        Assert.Contains("not permitted", module.Stderr + module.Stdout);
    }

    [RootFact]
    public async Task Host_namespaces_and_per_container_user_namespaces_are_refused_and_leave_nothing()
    {
        var (scene, network) = await StartAsync(images);
        await using var _ = scene;
        await using var __ = network;
        var hostNetwork = PodConfig(scene, "userns-hostnet", Userns());
        hostNetwork.Linux.SecurityContext.NamespaceOptions.Network = NamespaceMode.Node;
        var invalid = await Assert.ThrowsAsync<RpcException>(() => scene.Pods.RunAsync(hostNetwork));
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("host's network", invalid.Status.Detail);

        var perContainer = PodConfig(scene, "userns-container", Userns(NamespaceMode.Container));
        var unimplemented = await Assert.ThrowsAsync<RpcException>(() => scene.Pods.RunAsync(perContainer));
        Assert.Equal(StatusCode.Unimplemented, unimplemented.StatusCode);

        Assert.Empty((await scene.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items);
        Assert.Empty(PodScene.MountsUnder(scene.Daemon.State));
        Assert.Empty(scene.Pods.CgroupDirectories());
    }

    [RootFact]
    public async Task A_container_whose_mappings_differ_from_its_pods_is_invalid()
    {
        var (scene, network) = await StartAsync(images);
        await using var _ = scene;
        await using var __ = network;
        var podConfig = PodConfig(scene, "userns-mismatch", Userns());
        var pod = await scene.Pods.RunAsync(podConfig);
        var config = scene.Config("other", "sleep", "1000");
        config.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { UsernsOptions = Userns(hostId: HostId + Length) };
        var e = await Assert.ThrowsAsync<RpcException>(() => scene.CreateAsync(pod, podConfig, config));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Empty((await scene.Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
    }
}
