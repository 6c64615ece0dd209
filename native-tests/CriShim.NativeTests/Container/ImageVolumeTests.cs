using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Container;

/// <summary>
/// Image volumes (KEP-4639, the kubelet's <c>volumes[].image</c>) through the real daemon: an image from the same
/// store mounted read-only in a container, whole or by <c>image_sub_path</c>, with its layers merged as in a root.
/// </summary>
[Collection("containers")]
public sealed class ImageVolumeTests(ContainerImagesFixture images)
{
    /// <summary>Two layers: the second replaces <c>data/a.txt</c> and deletes <c>data/b.txt</c>.</summary>
    private static async Task<string> PushDataImageAsync(ContainerImagesFixture images)
    {
        var first = TestLayer.From(TestImages.Tar(t =>
        {
            t.Directory("data");
            t.File("data/a.txt", "one\n");
            t.File("data/b.txt", "b\n");
        }));
        var second = TestLayer.From(TestImages.Tar(t =>
        {
            t.Directory("data");
            t.File("data/a.txt", "two\n");
            t.Whiteout("data/b.txt");
        }));
        await TestImages.Build([first, second]).PushAsync(images.Registry, "test/image-volume", "1");
        return $"{images.Registry.Host}/test/image-volume:1";
    }

    private static ContainerConfig WithImageVolume(ContainerScene scene, string name, string image, string subPath = "")
    {
        var config = scene.Config(name, "sleep", "1000");
        config.Mounts.Add(new Mount { ContainerPath = "/image", Image = new ImageSpec { Image = image }, ImageSubPath = subPath });
        return config;
    }

    [RootFact]
    public async Task An_image_is_mounted_read_only_whole_or_by_sub_path_and_outlives_its_removal()
    {
        var data = await PushDataImageAsync(images);
        await using var scene = await ContainerScene.StartAsync(images);
        await scene.Daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = data } });
        var (pod, podConfig) = await scene.PodAsync("image-volume");
        var whole = await scene.RunAsync(pod, podConfig, WithImageVolume(scene, "whole", data));
        var sub = await scene.RunAsync(pod, podConfig, WithImageVolume(scene, "sub", data, "data"));

        Assert.Equal("two", (await scene.ExecAsync(whole, 10, "cat", "/image/data/a.txt")).Stdout.Trim());
        Assert.Equal("a.txt", (await scene.ExecAsync(whole, 10, "ls", "/image/data")).Stdout.Trim());
        Assert.Equal("two", (await scene.ExecAsync(sub, 10, "cat", "/image/a.txt")).Stdout.Trim());
        var write = await scene.ExecAsync(whole, 10, "touch", "/image/data/new");
        Assert.Contains("Read-only file system", write.Stderr);

        // Removing the image takes its name; its layers stay while a container mounts them, as a root's do.
        await scene.Daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = data } });
        Assert.Null((await scene.Daemon.Images.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = data } })).Image);
        Assert.Equal("two", (await scene.ExecAsync(sub, 10, "cat", "/image/a.txt")).Stdout.Trim());
        Assert.Equal(0, (await scene.ExecAsync(whole, 10, "ls", "/image/data")).ExitCode);
    }

    [RootFact]
    public async Task A_single_layer_image_is_mounted_too()
    {
        // Overlayfs without an upper layer refuses a single lower one: the helper puts an empty directory below it.
        var layer = TestLayer.From(TestImages.Tar(t => t.File("only.txt", "alone\n")));
        await TestImages.Build([layer]).PushAsync(images.Registry, "test/image-volume-single", "1");
        var single = $"{images.Registry.Host}/test/image-volume-single:1";
        await using var scene = await ContainerScene.StartAsync(images);
        await scene.Daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = single } });
        var (pod, podConfig) = await scene.PodAsync("image-volume-single");
        var app = await scene.RunAsync(pod, podConfig, WithImageVolume(scene, "single", single));

        Assert.Equal("only.txt", (await scene.ExecAsync(app, 10, "ls", "/image")).Stdout.Trim());
        Assert.Equal("alone", (await scene.ExecAsync(app, 10, "cat", "/image/only.txt")).Stdout.Trim());
        Assert.Contains("Read-only file system", (await scene.ExecAsync(app, 10, "touch", "/image/new")).Stderr);
    }

    [RootFact]
    public async Task A_missing_image_or_sub_path_is_a_clear_error()
    {
        var data = await PushDataImageAsync(images);
        await using var scene = await ContainerScene.StartAsync(images);
        await scene.Daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = data } });
        var (pod, podConfig) = await scene.PodAsync("image-volume-bad");

        var missing = await Assert.ThrowsAsync<RpcException>(() => scene.CreateAsync(pod, podConfig, WithImageVolume(scene, "missing", "127.0.0.1:1/none:1")));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("pull it first", missing.Status.Detail);
        Assert.Empty((await scene.Runtime.ListContainersAsync(new ListContainersRequest())).Containers);

        var climbing = await Assert.ThrowsAsync<RpcException>(() => scene.CreateAsync(pod, podConfig, WithImageVolume(scene, "climbing", data, "../etc")));
        Assert.Equal(StatusCode.InvalidArgument, climbing.StatusCode);

        var absent = await Assert.ThrowsAsync<InvalidOperationException>(() => scene.RunAsync(pod, podConfig, WithImageVolume(scene, "absent", data, "nope")));
        Assert.Contains("image_sub_path 'nope' does not exist in the image", absent.Message);
    }
}
