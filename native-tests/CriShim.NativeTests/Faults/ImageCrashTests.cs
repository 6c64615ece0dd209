using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Faults;

/// <summary>PullImage with the daemon SIGKILLed before the image is recorded: the retry pulls it, and removing it leaves no layer.</summary>
[Collection("faults")]
public sealed class ImageCrashTests(ContainerImagesFixture images)
{
    [RootTheory]
    [InlineData("pull-image.before-record")]
    public async Task PullImage_killed_at_a_step_is_retried_and_leaves_nothing(string point)
    {
        await using var scene = await FaultScene.StartAsync(images, null);
        var spec = new ImageSpec { Image = scene.Image };
        await scene.Daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = spec });
        await scene.RestartAsync(point);
        await scene.CrashAndRestartAsync(point, async () => await scene.Daemon.Images.PullImageAsync(new PullImageRequest { Image = spec }));

        await scene.Daemon.Images.PullImageAsync(new PullImageRequest { Image = spec });
        Assert.Single((await scene.Daemon.Images.ListImagesAsync(new ListImagesRequest())).Images);
        await scene.Daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = spec });

        var layers = Path.Combine(scene.Daemon.Root, "layers");
        Assert.Empty(Directory.Exists(layers) ? Directory.EnumerateFileSystemEntries(layers) : []);
        await scene.AssertNothingLeftAsync();
    }
}
