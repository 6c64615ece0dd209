using CriShim.Contract;
using CriShim.Protocol.V1;
using CriShim.Runtime.Container;
using CriShim.Runtime.Errors;
using SpecPropagation = CriShim.Contract.MountPropagation;
using MountPropagation = CriShim.Protocol.V1.MountPropagation;

namespace CriShim.Runtime.Tests.Container;

public sealed class ContainerMountResolverTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static Mount Mount(string host, string container = "/data", MountPropagation propagation = MountPropagation.PropagationPrivate) =>
        new() { HostPath = host, ContainerPath = container, Propagation = propagation, Readonly = true };

    [Fact]
    public void Host_paths_are_resolved_created_and_keep_their_propagation()
    {
        Directory.CreateDirectory(_dir.Combine("real"));
        File.CreateSymbolicLink(_dir.Combine("link"), _dir.Combine("real"));

        var mounts = ContainerMountResolver.ResolveMounts(
        [
            Mount(_dir.Combine("link"), "/a", MountPropagation.PropagationHostToContainer),
            Mount(_dir.Combine("missing/dir"), "/b", MountPropagation.PropagationBidirectional),
        ]);

        Assert.Equal(_dir.Combine("real"), mounts[0].HostPath);
        Assert.Equal(SpecPropagation.HostToContainer, mounts[0].Propagation);
        Assert.True(mounts[0].Readonly);
        Assert.True(Directory.Exists(_dir.Combine("missing/dir")));
        Assert.Equal(SpecPropagation.Bidirectional, mounts[1].Propagation);
    }

    [Fact]
    public void A_symlink_cannot_lead_out_of_the_intended_root()
    {
        var root = _dir.Combine("volumes");
        Directory.CreateDirectory(root);
        File.CreateSymbolicLink(Path.Combine(root, "evil"), "../../../../../etc");

        var mounts = ContainerMountResolver.ResolveMounts([Mount("/evil")], hostRoot: root);

        Assert.Equal(Path.Combine(root, "etc"), mounts[0].HostPath);
    }

    [Theory]
    [InlineData("relative", "/data")]
    [InlineData("/host", "relative")]
    [InlineData("", "/data")]
    public void Relative_or_missing_paths_are_invalid(string host, string container) =>
        Assert.Throws<InvalidArgumentException>(() => ContainerMountResolver.ResolveMounts([Mount(host, container)]));

    [Fact]
    public void Image_volumes_are_read_only_overlays_of_the_images_layers()
    {
        var image = new Mount { ContainerPath = "/image", Image = new ImageSpec { Image = "busybox" }, ImageSubPath = "bin" };
        var mount = Assert.Single(ContainerMountResolver.ResolveMounts([image], imageLayers: reference => [$"/layers/{reference}"]));
        Assert.Equal(["/layers/busybox"], mount.ImageLayers);
        Assert.Equal("bin", mount.ImageSubPath);
        Assert.True(mount.Readonly);
        foreach (var subPath in new[] { "/etc", "../etc", "a/../../etc" })
        {
            image.ImageSubPath = subPath;
            Assert.Throws<InvalidArgumentException>(() => ContainerMountResolver.ResolveMounts([image], imageLayers: _ => []));
        }
        image.ImageSubPath = "";
        image.HostPath = _dir.Path;
        Assert.Throws<InvalidArgumentException>(() => ContainerMountResolver.ResolveMounts([image], imageLayers: _ => []));
    }

    [Fact]
    public void Id_mapped_mounts_need_the_pods_own_mappings()
    {
        var pod = new UserNamespaceMappings { Uids = [new IdMapping(0, 100000, 65536)], Gids = [new IdMapping(0, 100000, 65536)] };
        var idmapped = Mount(_dir.Path);
        idmapped.UidMappings.Add(new IDMapping { HostId = 100000, ContainerId = 0, Length = 65536 });
        idmapped.GidMappings.Add(new IDMapping { HostId = 100000, ContainerId = 0, Length = 65536 });
        Assert.Contains("no user namespace", Assert.Throws<InvalidArgumentException>(() => ContainerMountResolver.ResolveMounts([idmapped])).Message);
        Assert.True(Assert.Single(ContainerMountResolver.ResolveMounts([idmapped], pod)).IdMapped);
        Assert.False(Assert.Single(ContainerMountResolver.ResolveMounts([Mount(_dir.Path)], pod)).IdMapped);
        idmapped.GidMappings[0].HostId = 200000;
        Assert.Contains("differ", Assert.Throws<InvalidArgumentException>(() => ContainerMountResolver.ResolveMounts([idmapped], pod)).Message);
    }

    [Fact]
    public void Image_volumes_take_the_pods_own_mappings_as_the_kubelet_sends_them()
    {
        var pod = new UserNamespaceMappings { Uids = [new IdMapping(0, 100000, 65536)], Gids = [new IdMapping(0, 100000, 65536)] };
        var image = new Mount { ContainerPath = "/image", Image = new ImageSpec { Image = "busybox" } };
        image.UidMappings.Add(new IDMapping { HostId = 100000, ContainerId = 0, Length = 65536 });
        image.GidMappings.Add(new IDMapping { HostId = 100000, ContainerId = 0, Length = 65536 });
        // The helper id-maps the image's layers, never the overlay itself (overlayfs cannot be id-mapped).
        Assert.False(Assert.Single(ContainerMountResolver.ResolveMounts([image], pod, _ => ["/layers/busybox"])).IdMapped);
        Assert.Contains("no user namespace", Assert.Throws<InvalidArgumentException>(() => ContainerMountResolver.ResolveMounts([image], imageLayers: _ => [])).Message);
        image.UidMappings[0].HostId = 200000;
        Assert.Contains("differ", Assert.Throws<InvalidArgumentException>(() => ContainerMountResolver.ResolveMounts([image], pod, _ => [])).Message);
    }

    [Fact]
    public void Recursive_read_only_passes_through_when_read_only_and_private()
    {
        var mount = Mount(_dir.Path);
        mount.RecursiveReadOnly = true;

        Assert.True(Assert.Single(ContainerMountResolver.ResolveMounts([mount])).RecursiveReadOnly);
        Assert.False(Assert.Single(ContainerMountResolver.ResolveMounts([Mount(_dir.Path)])).RecursiveReadOnly);
    }

    [Theory]
    [InlineData(false, MountPropagation.PropagationPrivate, "needs readonly")]
    [InlineData(true, MountPropagation.PropagationHostToContainer, "needs private propagation")]
    [InlineData(true, MountPropagation.PropagationBidirectional, "needs private propagation")]
    public void Recursive_read_only_without_read_only_or_with_propagation_is_invalid(bool readOnly, MountPropagation propagation, string message)
    {
        var mount = Mount(_dir.Path, propagation: propagation);
        mount.Readonly = readOnly;
        mount.RecursiveReadOnly = true;

        Assert.Contains(message, Assert.Throws<InvalidArgumentException>(() => ContainerMountResolver.ResolveMounts([mount])).Message);
    }

    [Fact]
    public void Devices_must_be_device_nodes_with_rwm_permissions()
    {
        var devices = ContainerMountResolver.ResolveDevices([new Device { HostPath = "/dev/null", ContainerPath = "/dev/mynull", Permissions = "rw" }]);
        Assert.Equal(("/dev/null", "/dev/mynull", "rw"), (devices[0].HostPath, devices[0].ContainerPath, devices[0].Permissions));

        Assert.Throws<InvalidArgumentException>(() => ContainerMountResolver.ResolveDevices([new Device { HostPath = _dir.Path }]));
        Assert.Throws<InvalidArgumentException>(() => ContainerMountResolver.ResolveDevices([new Device { HostPath = "/dev/null", Permissions = "rx" }]));
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("/proc")]
    [InlineData("/proc/")]
    [InlineData("/proc/sys/kernel")]
    [InlineData("//proc/./sys")]
    [InlineData("/proc/sys/../sysrq-trigger")]
    [InlineData("/proc/1/root")]
    [InlineData("/x/../proc/self")]
    [InlineData("/dev/fd/5")]
    [InlineData("/dev/fd")]
    [InlineData("/dev/stdout")]
    [InlineData("//dev/./stdin/x")]
    public void Mounts_into_proc_are_invalid_and_create_nothing(string containerPath)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => ContainerMountResolver.ResolveMounts(
            [Mount(_dir.Combine("first"), "/data"), Mount(_dir.Combine("second"), containerPath)]));

        Assert.Contains("/proc", error.Message);
        Assert.False(Directory.Exists(_dir.Combine("first")));
    }

    [Theory]
    [InlineData("/proc/cpuinfo")]
    [InlineData("/proc/meminfo")]
    [InlineData("/proc/stat")]
    [InlineData("/proc/uptime")]
    [InlineData("/proc/loadavg")]
    [InlineData("/proc/diskstats")]
    [InlineData("/proc/swaps")]
    [InlineData("/proc/slabinfo")]
    [InlineData("/processes")]
    [InlineData("/dev/ptmx")]
    [InlineData("/dev/fdx")]
    public void The_lxcfs_files_and_paths_merely_starting_with_proc_are_allowed(string containerPath) =>
        Assert.Single(ContainerMountResolver.ResolveMounts([Mount(_dir.Combine("lxcfs"), containerPath)]));
}
