using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Escapes;

/// <summary>
/// runc's CVE-2021-30465 class: a mount destination that is, or passes through, a symlink in a volume another
/// container controls. Resolved on the host, a link climbing with "../" leaves the root and the volume lands on a
/// host path (created there when missing); swapped between the runtime's check and its mount(2), it does so even
/// when the check saw a directory. Destinations are resolved inside the root and mounted through a descriptor
/// opened with no symlink allowed, so the volume is always inside the container, or the start fails.
/// </summary>
[Collection("containers")]
public sealed class MountTargetSymlinkEscapeTests(ContainerImagesFixture images)
{
    private const int RacingStarts = 10;

    [RootFact]
    public async Task A_destination_through_a_symlink_out_of_the_root_lands_inside_the_root()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (shared, volume, outside) = Volumes(scene);
        File.CreateSymbolicLink(Path.Combine(shared, "link"), Climb(outside));
        var (pod, podConfig) = await scene.PodAsync("linkesc");
        var config = scene.Config("reader", "sh", "-c", $"cat /data/link/marker /{outside}/marker");
        config.Mounts.Add(new Mount { HostPath = shared, ContainerPath = "/data" });
        config.Mounts.Add(new Mount { HostPath = volume, ContainerPath = "/data/link" });

        try
        {
            var id = await scene.RunAsync(pod, podConfig, config);
            var exited = await scene.WaitExitedAsync(id);

            Assert.Equal(0, exited.ExitCode);
            Assert.Equal("inside\ninside\n", ContainerScene.LogContent(Path.Combine(podConfig.LogDirectory, "reader", "0.log")));
            Assert.False(Directory.Exists("/" + outside), $"/{outside} was created on the host");
        }
        finally
        {
            RemoveFromHost(outside);
        }
    }

    /// <summary>A container of the pod keeps turning the destination into a climbing symlink and back while containers start.</summary>
    [RootFact]
    public async Task A_destination_swapped_for_a_symlink_while_containers_start_never_leaves_the_root()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (shared, volume, outside) = Volumes(scene);
        Directory.CreateDirectory(Path.Combine(shared, "link"));
        File.CreateSymbolicLink(Path.Combine(shared, "evil"), Climb(outside));
        var (pod, podConfig) = await scene.PodAsync("raceesc");
        // Renames only: a directory that became a mount point in a starting container stays one, wherever it moves.
        var swapper = scene.Config("swapper", "sh", "-c",
            "cd /shared; while [ ! -e stop ]; do mv link tmp; mv evil link; mv tmp evil; done 2>/dev/null; echo stopped");
        swapper.Mounts.Add(new Mount { HostPath = shared, ContainerPath = "/shared" });

        try
        {
            await scene.RunAsync(pod, podConfig, swapper);
            var results = new List<string>();
            for (var i = 0; i < RacingStarts; i++)
            {
                // find can miss the volume's directory while the swapper renames it under its walk: a few looks.
                var config = scene.Config($"racer{i}", "sh", "-c",
                    $"for look in 1 2 3 4 5 6 7 8 9 10; do if find /data /{outside} -name marker 2>/dev/null | grep -q .; then echo inside; exit; fi; done; echo lost");
                config.Mounts.Add(new Mount { HostPath = shared, ContainerPath = "/data" });
                config.Mounts.Add(new Mount { HostPath = volume, ContainerPath = "/data/link" });
                try
                {
                    var id = await scene.RunAsync(pod, podConfig, config);
                    await scene.WaitExitedAsync(id);
                    results.Add(ContainerScene.LogContent(Path.Combine(podConfig.LogDirectory, $"racer{i}", "0.log")).Trim());
                }
                catch (Exception e) when (e is RpcException or InvalidOperationException)
                {
                    // Refusing a destination that changed under the helper is the other allowed outcome.
                    results.Add("refused");
                }
            }
            File.WriteAllText(Path.Combine(shared, "stop"), "");

            Assert.All(results, r => Assert.True(r is "inside" or "refused", string.Join(", ", results)));
            Assert.False(Directory.Exists("/" + outside), $"/{outside} was created on the host");
        }
        finally
        {
            File.WriteAllText(Path.Combine(shared, "stop"), "");
            RemoveFromHost(outside);
        }
    }

    /// <summary>The shared volume, a volume holding "marker" (content "inside"), and a top-level name no host has.</summary>
    private static (string Shared, string Volume, string Outside) Volumes(ContainerScene scene)
    {
        var shared = Path.Combine(scene.Daemon.WorkDir, "escape-shared");
        var volume = Path.Combine(scene.Daemon.WorkDir, "escape-volume");
        Directory.CreateDirectory(shared);
        Directory.CreateDirectory(volume);
        File.WriteAllText(Path.Combine(volume, "marker"), "inside\n");
        return (shared, volume, "crishim-escape-" + Guid.NewGuid().ToString("N")[..8]);
    }

    /// <summary>A relative link that, followed on the host from any volume, reaches /<paramref name="outside"/>.</summary>
    private static string Climb(string outside) => string.Concat(Enumerable.Repeat("../", 24)) + outside;

    private static void RemoveFromHost(string outside)
    {
        if (Directory.Exists("/" + outside))
        {
            Directory.Delete("/" + outside, recursive: true);
        }
    }
}
