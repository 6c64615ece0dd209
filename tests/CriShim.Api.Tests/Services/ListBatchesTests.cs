using CriShim.Api.Services;
using CriShim.Protocol.V1;
using Google.Protobuf;

namespace CriShim.Api.Tests.Services;

public sealed class ListBatchesTests
{
    private static PodSandbox Pod(int index, int annotationBytes) => new()
    {
        Id = $"pod-{index}",
        Annotations = { ["payload"] = new string('x', annotationBytes) },
    };

    [Fact]
    public void Every_item_comes_once_in_order_and_each_message_stays_under_the_limit()
    {
        var pods = Enumerable.Range(0, 100).Select(i => Pod(i, 1000)).ToList();

        var batches = ListBatches.Split(pods, maxBytes: 10_000).ToList();

        Assert.Equal(pods.Select(p => p.Id), batches.SelectMany(b => b).Select(p => p.Id));
        Assert.True(batches.Count > 1);
        Assert.All(batches, batch => Assert.InRange(new StreamPodSandboxesResponse { PodSandboxes = { batch } }.CalculateSize(), 1, 10_000));
    }

    [Fact]
    public void A_list_under_the_limit_is_one_message_and_an_empty_one_is_none()
    {
        Assert.Single(ListBatches.Split(Enumerable.Range(0, 50).Select(i => Pod(i, 10))));
        Assert.Empty(ListBatches.Split(Array.Empty<PodSandbox>()));
    }

    [Fact]
    public void An_item_larger_than_the_limit_travels_alone()
    {
        var batches = ListBatches.Split([Pod(0, 10), Pod(1, 50_000), Pod(2, 10)], maxBytes: 10_000).ToList();

        Assert.Equal([["pod-0"], ["pod-1"], ["pod-2"]], batches.Select(b => b.Select(p => p.Id).ToArray()).ToArray());
    }

    [Fact]
    public void The_default_limit_leaves_a_16_MiB_receiver_room()
    {
        var pods = Enumerable.Range(0, 3000).Select(i => Pod(i, 4096)).ToList();

        var sizes = ListBatches.Split(pods).Select(b => new StreamPodSandboxesResponse { PodSandboxes = { b } }.CalculateSize()).ToList();

        Assert.True(sizes.Count >= 3);
        Assert.All(sizes, size => Assert.True(size <= 4 * 1024 * 1024, $"{size} B"));
    }
}
