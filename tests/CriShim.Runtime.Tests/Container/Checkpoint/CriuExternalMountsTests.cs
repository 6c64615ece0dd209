using CriShim.Contract;
using CriShim.Runtime.Container.Checkpoint;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Tests.Container.Checkpoint;

public sealed class CriuExternalMountsTests
{
    // What a container's /proc/PID/mountinfo looks like here (fields after the optional ones trimmed to what matters).
    private const string MountInfo = """
        600 500 0:90 / / rw,relatime - overlay overlay rw
        601 600 0:91 / /proc rw,nosuid - proc proc rw
        602 600 0:92 / /dev rw,nosuid - tmpfs tmpfs rw
        603 602 0:25 /crishim/pods/p/shm /dev/shm rw - tmpfs shm rw
        604 600 0:25 /crishim/pods/p/hosts /etc/hosts rw - tmpfs run rw
        605 600 8:1 /srv/data /data rw - ext4 /dev/sda1 rw
        606 605 0:40 / /data/sub\040dir rw - tmpfs tmpfs rw
        607 601 0:5 /null /proc/kcore ro - devtmpfs udev rw
        608 601 0:93 / /proc/scsi ro - tmpfs tmpfs ro
        609 601 0:91 /sys /proc/sys ro - proc proc rw
        610 600 0:30 /kubepods/pod1/crishim-c /sys/fs/cgroup ro - cgroup2 cgroup2 rw
        """;

    private static ContainerProcessSpec Spec(params ContainerMount[] mounts) => new()
    {
        Id = "c",
        StateDirectory = "/run/c",
        Process = new ProcessSpec { Args = ["/bin/sh"] },
        Rootfs = new ContainerRootfs { LowerDirectories = ["/l"], UpperDirectory = "/u", WorkDirectory = "/w", MountPoint = "/m" },
        ShmPath = "/run/crishim/pods/p/shm",
        HostsPath = "/run/crishim/pods/p/hosts",
        MaskedPaths = ["/proc/kcore", "/proc/scsi"],
        ReadonlyPaths = ["/proc/sys"],
        Mounts = mounts,
        Cgroups = [new CgroupPlacement { Hierarchy = "", Directory = "/sys/fs/cgroup/kubepods/pod1/crishim-c" }],
    };

    [Fact]
    public void The_pod_files_volumes_with_their_submounts_and_masked_files_are_external()
    {
        var external = CriuExternalMounts.ForDump(Spec(new ContainerMount { ContainerPath = "data/", HostPath = "/srv/data" }), MountInfo);

        Assert.Equal(["/dev/shm", "/etc/hosts", "/data", "/data/sub dir", "/proc/kcore", "/sys/fs/cgroup"], external);
    }

    [Fact]
    public void A_restore_binds_what_the_new_spec_has_at_each_point()
    {
        var sources = CriuExternalMounts.Sources(Spec(new ContainerMount { ContainerPath = "/data", HostPath = "/new/data" }));

        Assert.Equal("/new/data", CriuExternalMounts.SourceOf("/data", sources));
        Assert.Equal("/new/data/sub dir", CriuExternalMounts.SourceOf("/data/sub dir", sources));
        Assert.Equal(CriuExternalMounts.MaskSource, CriuExternalMounts.SourceOf("/proc/kcore", sources));
        Assert.Equal("/run/crishim/pods/p/hosts", CriuExternalMounts.SourceOf("/etc/hosts", sources));
        Assert.Equal("/sys/fs/cgroup/kubepods/pod1/crishim-c", CriuExternalMounts.SourceOf("/sys/fs/cgroup", sources));
        Assert.Null(CriuExternalMounts.SourceOf("/elsewhere", sources));
    }

    [Fact]
    public void A_volume_over_an_etc_file_wins()
    {
        var sources = CriuExternalMounts.Sources(Spec(new ContainerMount { ContainerPath = "/etc/hosts", HostPath = "/mine" }));

        Assert.Equal("/mine", sources["/etc/hosts"]);
    }

    [Fact]
    public void An_image_volume_cannot_be_checkpointed() =>
        Assert.Throws<FailedPreconditionException>(() => CriuExternalMounts.ForDump(
            Spec(new ContainerMount { ContainerPath = "/img", HostPath = "", ImageLayers = ["/layers/1"] }), MountInfo));
}
