using System.Diagnostics;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Image;

/// <summary>
/// Pulls that cannot hang: a registry that stops sending in the middle of a layer ends the pull in
/// the configured progress deadline (or when the caller gives up), leaves nothing behind, holds no
/// layer lock, and does not slow down other pulls.
/// </summary>
[Collection("registry")]
public sealed class ImagePullDeadlineTests(RegistryFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(8);

    private static Task<PullImageResponse> Pull(DaemonProcess daemon, string image, DateTime? callDeadline = null) =>
        daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image } }, deadline: callDeadline).ResponseAsync;

    private static string[] Leftovers(DaemonProcess daemon) =>
        Directory.GetFileSystemEntries(Path.Combine(daemon.Root, "layers"), ".tmp-*")
            .Concat(Directory.GetFileSystemEntries(Path.Combine(daemon.Root, "blobs", "sha256"), ".*"))
            .ToArray();

    [RootFact]
    public async Task A_registry_that_stalls_mid_layer_ends_the_pull_at_the_progress_deadline_and_leaves_nothing()
    {
        await using var daemon = await DaemonProcess.StartAsync("--image-pull-progress-timeout", "8s");
        await using var stalling = new CuttingProxy(fixture.Registry.Port) { CutAfterBytes = 1 << 20, Stall = true };
        var clock = Stopwatch.StartNew();

        var stalled = Pull(daemon, $"{stalling.Host}/test/big:1");
        var other = await Pull(daemon, fixture.Ref("test/layered:1"));
        var otherFinishedFirst = !stalled.IsCompleted;
        var error = await Assert.ThrowsAsync<RpcException>(() => stalled);
        var stalledTook = clock.Elapsed;

        Assert.Equal(fixture.Layered.Id, other.ImageRef);
        Assert.True(otherFinishedFirst, "the other pull waited for the stalled one");
        Assert.True(error.StatusCode == StatusCode.DeadlineExceeded, error.Status.ToString());
        Assert.Contains("image_pull_progress_timeout", error.Status.Detail);
        Assert.InRange(stalledTook, Deadline, Deadline + TimeSpan.FromSeconds(20));
        Assert.Empty(Leftovers(daemon));
        Assert.DoesNotContain((await daemon.Images.ListImagesAsync(new ListImagesRequest())).Images, i => i.Id == fixture.Big.Id);

        // The layer's lock is free: the same layer from a registry that answers arrives (a held lock
        // would keep this pull waiting past its own call deadline).
        Assert.Equal(fixture.Big.Id, (await Pull(daemon, fixture.Ref("test/big:1"), DateTime.UtcNow.AddSeconds(60))).ImageRef);
        Assert.Empty(Leftovers(daemon));
    }

    [RootFact]
    public async Task A_caller_that_gives_up_ends_a_stalled_pull_and_frees_its_layer()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        await using var stalling = new CuttingProxy(fixture.Registry.Port) { CutAfterBytes = 1 << 20, Stall = true };

        var error = await Assert.ThrowsAsync<RpcException>(() => Pull(daemon, $"{stalling.Host}/test/big:1", DateTime.UtcNow.AddSeconds(2)));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal(fixture.Big.Id, (await Pull(daemon, fixture.Ref("test/big:1"), DateTime.UtcNow.AddSeconds(60))).ImageRef);
        Assert.Empty(Leftovers(daemon));
    }

    [RootFact]
    public async Task An_endless_token_body_is_refused_without_reading_it_all()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        await using var registry = new EndlessBodyRegistry(EndlessBodyRegistry.Endless.Token);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RpcException>(() => Pull(daemon, $"{registry.Host}/test/endless:1"));

        Assert.True(error.StatusCode == StatusCode.FailedPrecondition, error.Status.ToString());
        Assert.Contains("larger than", error.Status.Detail);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.True(registry.BytesSent < 64L << 20, $"the daemon read {registry.BytesSent} bytes of the token body");
    }

    [RootFact]
    public async Task An_endless_error_body_is_cut_short_in_the_error_message()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        await using var registry = new EndlessBodyRegistry(EndlessBodyRegistry.Endless.Error);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RpcException>(() => Pull(daemon, $"{registry.Host}/test/endless:1"));

        Assert.True(error.StatusCode == StatusCode.Unavailable, error.Status.ToString());
        Assert.Contains("answered 500", error.Status.Detail);
        Assert.True(error.Status.Detail.Length < 1000, error.Status.Detail);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.True(registry.BytesSent < 64L << 20, $"the daemon read {registry.BytesSent} bytes of the error body");
    }
}
