using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Faults;

/// <summary>
/// A cgroup parent crishim created goes with the last pod below it: also when the records were
/// reloaded by a restarted daemon, and when the last two pods are removed at the same moment.
/// </summary>
[Collection("faults")]
public sealed class CgroupParentTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task A_created_parent_goes_with_the_last_pod_after_a_restart()
    {
        await using var scene = await FaultScene.StartAsync(images, null);
        var first = await scene.RunPodAsync(scene.PodConfig("first", NamespaceMode.Node));
        var second = await scene.RunPodAsync(scene.PodConfig("second", NamespaceMode.Node));
        await scene.RestartAsync(null);

        await RemoveAsync(scene, first);
        await RemoveAsync(scene, second);
        await scene.AssertNothingLeftAsync();
    }

    [RootFact]
    public async Task A_created_parent_goes_when_the_last_two_pods_are_removed_at_once()
    {
        await using var scene = await FaultScene.StartAsync(images, null);
        for (var round = 0; round < 5; round++)
        {
            var first = await scene.RunPodAsync(scene.PodConfig($"first{round}", NamespaceMode.Node));
            var second = await scene.RunPodAsync(scene.PodConfig($"second{round}", NamespaceMode.Node));
            await Task.WhenAll(RemoveAsync(scene, first), RemoveAsync(scene, second));
            await scene.AssertNothingLeftAsync();
        }
    }

    private static async Task RemoveAsync(FaultScene scene, string id)
    {
        await scene.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id });
        await scene.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id });
    }
}
