using CriShim.Native;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Container;

/// <summary>
/// The device cgroup: CAP_MKNOD must not open the host's disks; the standard nodes, CRI devices (with
/// their permissions) and everything for privileged containers stay usable.
/// </summary>
[Collection("containers")]
public sealed class ContainerDeviceTests(ContainerImagesFixture images)
{
    // A loop device stands in for a host disk: this host's sandbox denies opening /dev/vda even to host root.
    [RootFact]
    public async Task A_default_container_cannot_read_a_block_device_it_mknods_but_uses_dev_null()
    {
        await using var loop = await LoopDevice.CreateAsync("disk-data");
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("devdefault");
        var id = await scene.RunAsync(pod, podConfig, scene.Config("devdefault", "sleep", "1000"));

        var disk = await scene.ExecAsync(id, 10, "sh", "-c", $"mkdir -p /tmp && mknod /tmp/disk b {loop.Major} {loop.Minor} && head -c 1 /tmp/disk");
        var standard = await scene.ExecAsync(id, 10, "sh", "-c", "echo x >/dev/null && head -c 4 /dev/zero | wc -c && head -c 1 /dev/urandom >/dev/null");

        Assert.NotEqual(0, disk.ExitCode);
        Assert.Equal("", disk.Stdout);
        Assert.Contains("Operation not permitted", disk.Stderr);
        Assert.Equal((0, "4", ""), (standard.ExitCode, standard.Stdout.Trim(), standard.Stderr));
    }

    [RootFact]
    public async Task A_privileged_container_can_read_a_block_device_it_mknods()
    {
        await using var loop = await LoopDevice.CreateAsync("disk-data");
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("devprivileged", privileged: true);
        var config = scene.Config("devprivileged", "sleep", "1000");
        config.Linux.SecurityContext.Privileged = true;
        var id = await scene.RunAsync(pod, podConfig, config);

        var disk = await scene.ExecAsync(id, 10, "sh", "-c", $"mkdir -p /tmp && mknod /tmp/disk b {loop.Major} {loop.Minor} && head -c 9 /tmp/disk");

        Assert.Equal((0, "disk-data", ""), (disk.ExitCode, disk.Stdout, disk.Stderr));
    }

    [RootFact]
    public async Task A_cri_device_with_permission_r_is_readable_but_not_writable()
    {
        await using var loop = await LoopDevice.CreateAsync("device-data");
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("devreadonly");
        var config = scene.Config("devreadonly", "sleep", "1000");
        config.Devices.Add(new Device { HostPath = loop.Path, ContainerPath = "/dev/xdisk", Permissions = "r" });
        var id = await scene.RunAsync(pod, podConfig, config);

        var read = await scene.ExecAsync(id, 10, "head", "-c", "11", "/dev/xdisk");
        // Opens for writing without writing a byte.
        var write = await scene.ExecAsync(id, 10, "sh", "-c", ": >>/dev/xdisk");

        Assert.Equal((0, "device-data"), (read.ExitCode, read.Stdout));
        Assert.NotEqual(0, write.ExitCode);
        Assert.Contains("Operation not permitted", write.Stderr);
    }

    /// <summary>A loop block device over a small temporary file, detached on dispose.</summary>
    private sealed class LoopDevice : IAsyncDisposable
    {
        private readonly string _backing;

        private LoopDevice(string backing, string path)
        {
            _backing = backing;
            Path = path;
        }

        public string Path { get; }

        public uint Major => FileNodes.Status(Path).RdevMajor;

        public uint Minor => FileNodes.Status(Path).RdevMinor;

        public static async Task<LoopDevice> CreateAsync(string content)
        {
            var backing = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"crishim-loop-{Guid.NewGuid():N}.img");
            await File.WriteAllTextAsync(backing, content.PadRight(4096, '\0'));
            try
            {
                return new LoopDevice(backing, (await Shell.Run("losetup", "--find", "--show", backing)).Trim());
            }
            catch
            {
                File.Delete(backing);
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Shell.TryRun("losetup", "--detach", Path);
            File.Delete(_backing);
        }
    }
}
