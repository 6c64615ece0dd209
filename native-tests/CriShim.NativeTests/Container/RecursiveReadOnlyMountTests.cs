using CriShim.Native;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Container;

/// <summary>
/// Recursive read-only volumes (KEP-3857) through the real daemon: a read-only bind leaves the volume's submounts
/// writable; <c>recursive_read_only</c> makes them read-only too, as the kubelet's <c>recursiveReadOnly: Enabled</c> asks.
/// </summary>
[Collection("containers")]
public sealed class RecursiveReadOnlyMountTests(ContainerImagesFixture images) : IDisposable
{
    /// <summary>A host volume with a tmpfs submount at <c>sub</c>, in a directory of this test's own.</summary>
    private readonly string _volume = Directory.CreateTempSubdirectory("crishimtest-rro-").FullName;

    private string Submount => Path.Combine(_volume, "sub");

    public void Dispose()
    {
        Mounts.Unmount(Submount);
        Directory.Delete(_volume, recursive: true);
    }

    private ContainerConfig WithVolume(ContainerScene scene, string name, bool recursiveReadOnly)
    {
        var config = scene.Config(name, "sleep", "1000");
        config.Mounts.Add(new Mount { HostPath = _volume, ContainerPath = "/data", Readonly = true, RecursiveReadOnly = recursiveReadOnly });
        return config;
    }

    [RootFact]
    public async Task Submounts_of_a_recursive_read_only_volume_are_read_only_and_the_handler_announces_it()
    {
        Directory.CreateDirectory(Submount);
        Mounts.Tmpfs(Submount, "size=1m");
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("rro");
        var plain = await scene.RunAsync(pod, podConfig, WithVolume(scene, "plain", recursiveReadOnly: false));
        var recursive = await scene.RunAsync(pod, podConfig, WithVolume(scene, "recursive", recursiveReadOnly: true));

        var plainTop = await scene.ExecAsync(plain, 10, "touch", "/data/top");
        var plainSub = await scene.ExecAsync(plain, 10, "touch", "/data/sub/written");
        var recursiveTop = await scene.ExecAsync(recursive, 10, "touch", "/data/top");
        var recursiveSub = await scene.ExecAsync(recursive, 10, "touch", "/data/sub/refused");
        var mountinfo = (await scene.ExecAsync(recursive, 10, "cat", "/proc/self/mountinfo")).Stdout;

        Assert.Contains("Read-only file system", plainTop.Stderr);
        Assert.Equal(0, plainSub.ExitCode);
        Assert.Contains("Read-only file system", recursiveTop.Stderr);
        Assert.Contains("Read-only file system", recursiveSub.Stderr);
        Assert.True(File.Exists(Path.Combine(Submount, "written")));
        Assert.False(File.Exists(Path.Combine(Submount, "refused")));
        var subLine = mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(l => l.Split(' ')[4] == "/data/sub");
        Assert.StartsWith("ro,", subLine.Split(' ')[5]);
        var status = await scene.Runtime.StatusAsync(new StatusRequest());
        Assert.All(status.RuntimeHandlers, h => Assert.True(h.Features.RecursiveReadOnlyMounts));
    }

    [RootFact]
    public async Task Recursive_read_only_without_readonly_or_with_propagation_is_invalid_and_leaves_nothing()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("rro-bad");
        var writable = WithVolume(scene, "writable", recursiveReadOnly: true);
        writable.Mounts[0].Readonly = false;
        var propagating = WithVolume(scene, "propagating", recursiveReadOnly: true);
        propagating.Mounts[0].Propagation = MountPropagation.PropagationHostToContainer;

        foreach (var config in new[] { writable, propagating })
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => scene.CreateAsync(pod, podConfig, config));
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.Contains("recursive_read_only", e.Status.Detail);
        }
        Assert.Empty((await scene.Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
    }
}
