using System.Diagnostics;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Container;

/// <summary>CheckpointContainer's answers through the real daemon; a real checkpoint and restore is the VM scenario's.</summary>
[Collection("containers")]
public sealed class CheckpointTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task Unknown_missing_location_and_not_running_are_refused_before_criu_runs()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("ckpt-args");
        var created = await scene.CreateAsync(pod, podConfig, scene.Config("created", "sleep", "1000"));
        var location = Path.Combine(scene.Daemon.WorkDir, "ckpt-args.tar");

        var unknown = await CheckpointErrorAsync(scene, "no-such-container", location);
        var noLocation = await CheckpointErrorAsync(scene, created, "");
        var notRunning = await CheckpointErrorAsync(scene, created, location);

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, noLocation.StatusCode);
        Assert.Contains("location", noLocation.Status.Detail);
        Assert.Equal(StatusCode.FailedPrecondition, notRunning.StatusCode);
        Assert.Contains("only a running container", notRunning.Status.Detail);
        Assert.False(File.Exists(location));
    }

    [CriuUnusableFact]
    public async Task Where_criu_cannot_work_the_answer_names_its_reason_writes_nothing_and_the_container_runs_on()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("ckpt-nocriu");
        var id = await scene.RunAsync(pod, podConfig, scene.Config("counter", "sh", "-c", "while true; do sleep 1; done"));
        var directory = Directory.CreateDirectory(Path.Combine(scene.Daemon.WorkDir, "ckpt-nocriu")).FullName;

        var error = await CheckpointErrorAsync(scene, id, Path.Combine(directory, "checkpoint.tar"));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains(CriuCheckFirstError() ?? "install criu", error.Status.Detail);
        Assert.Empty(Directory.GetFileSystemEntries(directory));
        Assert.Equal(ContainerState.ContainerRunning, (await scene.StatusAsync(id)).State);
    }

    private static async Task<RpcException> CheckpointErrorAsync(ContainerScene scene, string id, string location) =>
        await Assert.ThrowsAsync<RpcException>(async () =>
            await scene.Runtime.CheckpointContainerAsync(new CheckpointContainerRequest { ContainerId = id, Location = location }));

    /// <summary>The message of criu check's first error line, without its source location; null without criu.</summary>
    private static string? CriuCheckFirstError()
    {
        if (!File.Exists("/usr/sbin/criu"))
        {
            return null;
        }
        using var check = Process.Start(new ProcessStartInfo("/usr/sbin/criu", "check") { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var output = check.StandardError.ReadToEnd() + check.StandardOutput.ReadToEnd();
        check.WaitForExit();
        var line = output.Split('\n').First(l => l.Contains("Error ("));
        return line[(line.IndexOf("): ", StringComparison.Ordinal) + 3)..].Trim();
    }
}
