using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Escapes;

/// <summary>
/// CRI mounts into /proc (a volume at /proc/sys/kernel fooled the helper's cap_last_cap, one at
/// /proc/self or /proc/1 shadows what the runtime reads), also through the container's own /dev symlinks
/// (/dev/fd, /dev/stdout lead to /proc/self/fd), are refused as runc refuses them, except the files lxcfs
/// provides; the refusal leaves no container, directory or cgroup behind.
/// </summary>
[Collection("containers")]
public sealed class ProcMountEscapeTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task Mounts_into_proc_are_invalid_and_leave_nothing_but_the_lxcfs_files_are_allowed()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var source = Path.Combine(scene.Daemon.WorkDir, "escape-proc");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "uptime"), "12345.00 54321.00\n");
        var (pod, podConfig) = await scene.PodAsync("procesc");

        foreach (var target in new[] { "/proc/sys/kernel", "/proc", "/proc/self", "/proc/1/", "//proc/./sys", "/proc/sys/../sysrq-trigger", "/dev/fd/5", "/dev/stdout" })
        {
            var config = scene.Config("procmount", "true");
            config.Mounts.Add(new Mount { HostPath = source, ContainerPath = target });

            var error = await Assert.ThrowsAsync<RpcException>(() => scene.CreateAsync(pod, podConfig, config));

            Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{target}: {error.Status}");
            Assert.Empty((await scene.Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
            var containers = Path.Combine(scene.Daemon.State, "containers");
            Assert.True(!Directory.Exists(containers) || !Directory.EnumerateFileSystemEntries(containers).Any(), $"{target} left a state directory");
        }

        var lxcfs = scene.Config("lxcfs", "cat", "/proc/uptime");
        lxcfs.Mounts.Add(new Mount { HostPath = Path.Combine(source, "uptime"), ContainerPath = "/proc/uptime", Readonly = true });
        var id = await scene.RunAsync(pod, podConfig, lxcfs);
        Assert.Equal(0, (await scene.WaitExitedAsync(id)).ExitCode);
        Assert.Equal("12345.00 54321.00\n", ContainerScene.LogContent(Path.Combine(podConfig.LogDirectory, "lxcfs", "0.log")));
    }
}
