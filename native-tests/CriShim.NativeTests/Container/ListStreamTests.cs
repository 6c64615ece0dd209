using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Container;

/// <summary>The Stream* list RPCs (KEP-5825) answer what their unary twins answer, through the real daemon.</summary>
[Collection("containers")]
public sealed class ListStreamTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task Each_streamed_list_holds_the_items_of_its_unary_twin_with_the_same_filter()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("streamed");
        var (otherPod, otherConfig) = await scene.PodAsync("other");
        var id = await scene.RunAsync(pod, podConfig, scene.Config("app", "sleep", "1000"));
        await scene.RunAsync(otherPod, otherConfig, scene.Config("app", "sleep", "1000"));
        var runtime = scene.Runtime;

        Assert.Equal((await runtime.ListPodSandboxAsync(new())).Items.Select(p => p.Id).Order(),
            (await ReadAllAsync(runtime.StreamPodSandboxes(new()))).SelectMany(r => r.PodSandboxes).Select(p => p.Id).Order());
        var onePod = new ContainerFilter { PodSandboxId = pod };
        var streamed = (await ReadAllAsync(runtime.StreamContainers(new() { Filter = onePod }))).SelectMany(r => r.Containers).ToList();
        Assert.Equal(id, Assert.Single(streamed).Id);
        Assert.Equal((await runtime.ListContainersAsync(new() { Filter = onePod })).Containers, streamed);
        Assert.Equal(2, (await ReadAllAsync(runtime.StreamContainerStats(new()))).SelectMany(r => r.ContainerStats).Count());
        var podStats = (await ReadAllAsync(runtime.StreamPodSandboxStats(new() { Filter = new() { Id = pod } }))).SelectMany(r => r.PodSandboxStats);
        Assert.Equal(pod, Assert.Single(podStats).Attributes.Id);
        Assert.Equal((await runtime.ListPodSandboxMetricsAsync(new())).PodMetrics.Select(m => m.PodSandboxId).Order(),
            (await ReadAllAsync(runtime.StreamPodSandboxMetrics(new()))).SelectMany(r => r.PodSandboxMetrics).Select(m => m.PodSandboxId).Order());
        Assert.Equal((await scene.Daemon.Images.ListImagesAsync(new())).Images,
            (await ReadAllAsync(scene.Daemon.Images.StreamImages(new()))).SelectMany(r => r.Images));
    }

    [RootFact]
    public async Task A_filter_that_matches_nothing_ends_the_stream_without_a_message()
    {
        await using var scene = await ContainerScene.StartAsync(images);

        Assert.Empty(await ReadAllAsync(scene.Runtime.StreamContainers(new() { Filter = new() { Id = "no-such-container" } })));
        Assert.Empty(await ReadAllAsync(scene.Runtime.StreamPodSandboxes(new())));
    }

    private static async Task<List<T>> ReadAllAsync<T>(AsyncServerStreamingCall<T> call)
    {
        using (call)
        {
            var messages = new List<T>();
            await foreach (var message in call.ResponseStream.ReadAllAsync())
            {
                messages.Add(message);
            }
            return messages;
        }
    }
}
