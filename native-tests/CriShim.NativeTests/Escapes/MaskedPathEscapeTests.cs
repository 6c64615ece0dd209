using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Escapes;

/// <summary>
/// runc's CVE-2025-31133 class: masked paths were covered by binding "/dev/null" after pivot_root, so a
/// volume at /dev whose <c>null</c> is a symlink into /proc/sys turned /proc/keys and /proc/timer_list
/// into views (writable ones) of that sysctl. The link here points at the read-only boot id, so even
/// today's code cannot change the host; what the container reads shows where the mask came from.
/// </summary>
[Collection("containers")]
public sealed class MaskedPathEscapeTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task A_dev_volume_whose_null_is_a_symlink_does_not_redirect_the_masked_paths()
    {
        var bootId = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        await using var scene = await ContainerScene.StartAsync(images);
        var volume = Path.Combine(scene.Daemon.WorkDir, "escape-dev");
        Directory.CreateDirectory(volume);
        File.CreateSymbolicLink(Path.Combine(volume, "null"), "/proc/sys/kernel/random/boot_id");
        var (pod, podConfig) = await scene.PodAsync("maskesc");
        var config = scene.Config("reader", "sh", "-c", "cat /proc/keys /proc/timer_list; echo end");
        config.Mounts.Add(new Mount { HostPath = volume, ContainerPath = "/dev" });

        var id = await scene.RunAsync(pod, podConfig, config);
        var exited = await scene.WaitExitedAsync(id);

        var output = ContainerScene.LogContent(Path.Combine(podConfig.LogDirectory, "reader", "0.log"));
        Assert.Equal(0, exited.ExitCode);
        Assert.DoesNotContain(bootId, output);
        Assert.Equal("end\n", output);
    }
}
