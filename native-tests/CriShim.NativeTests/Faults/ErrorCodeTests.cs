using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Faults;

/// <summary>
/// Errors name their cause: a full disk is ResourceExhausted (pull, sandbox, container; --root on a
/// small tmpfs), a request the kernel would refuse is InvalidArgument; either way nothing is left.
/// </summary>
[Collection("faults")]
public sealed class ErrorCodeTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task A_pull_onto_a_full_disk_is_ResourceExhausted()
    {
        await using var scene = await FaultScene.StartAsync(images, null, rootTmpfsSize: "64m");
        var spec = new ImageSpec { Image = scene.Image };
        await scene.Daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = spec });
        var filler = scene.FillRoot();

        var failure = await Assert.ThrowsAsync<RpcException>(async () => await scene.Daemon.Images.PullImageAsync(new PullImageRequest { Image = spec }));
        Assert.True(failure.StatusCode == StatusCode.ResourceExhausted, $"{failure.Status}\n{scene.LogTail}");

        File.Delete(filler);
        await scene.Daemon.Images.PullImageAsync(new PullImageRequest { Image = spec });
    }

    [RootFact]
    public async Task RunPodSandbox_and_CreateContainer_on_a_full_disk_are_ResourceExhausted_and_leave_nothing()
    {
        await using var scene = await FaultScene.StartAsync(images, null, rootTmpfsSize: "64m");
        var pod = scene.PodConfig("full", NamespaceMode.Node);
        var podId = await scene.RunPodAsync(pod);
        var filler = scene.FillRoot();

        var sandboxFailure = await Assert.ThrowsAsync<RpcException>(() => scene.RunPodAsync(scene.PodConfig("second", NamespaceMode.Node)));
        Assert.True(sandboxFailure.StatusCode == StatusCode.ResourceExhausted, $"{sandboxFailure.Status}\n{scene.LogTail}");
        var containerFailure = await Assert.ThrowsAsync<RpcException>(() => scene.CreateContainerAsync(podId, pod, scene.ContainerConfig("app")));
        Assert.True(containerFailure.StatusCode == StatusCode.ResourceExhausted, $"{containerFailure.Status}\n{scene.LogTail}");

        File.Delete(filler);
        Assert.Single(await scene.PodsAsync());
        Assert.Empty(await scene.ContainersAsync());
        await scene.RemoveEverythingAsync();
        await scene.AssertNothingLeftAsync();
    }

    [RootFact]
    public async Task A_hostname_longer_than_the_kernel_allows_is_InvalidArgument_and_leaves_nothing()
    {
        await using var scene = await FaultScene.StartAsync(images, null);
        var config = scene.PodConfig("longname");
        config.Hostname = new string('h', 100);

        var failure = await Assert.ThrowsAsync<RpcException>(() => scene.RunPodAsync(config));
        Assert.True(failure.StatusCode == StatusCode.InvalidArgument, $"{failure.Status}\n{scene.LogTail}");
        Assert.Empty(await scene.PodsAsync());
        await scene.AssertNothingLeftAsync();
    }

    [RootFact]
    public async Task A_working_directory_that_is_a_file_is_InvalidArgument_and_leaves_nothing()
    {
        await using var scene = await FaultScene.StartAsync(images, null);
        var pod = scene.PodConfig("workdir", NamespaceMode.Node);
        var podId = await scene.RunPodAsync(pod);
        var config = scene.ContainerConfig("app");
        config.WorkingDir = "/etc/passwd";

        var failure = await Assert.ThrowsAsync<RpcException>(() => scene.CreateContainerAsync(podId, pod, config));
        Assert.True(failure.StatusCode == StatusCode.InvalidArgument, $"{failure.Status}\n{scene.LogTail}");
        Assert.Empty(await scene.ContainersAsync());
        await scene.RemoveEverythingAsync();
        await scene.AssertNothingLeftAsync();
    }
}
