using System.Text;
using CriShim.Native;
using CriShim.Contract;
using CriShim.NativeTests.Container;
using CriShim.NativeTests.ContainerProcess;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using static CriShim.NativeTests.ContainerProcess.ContainerProcessScene;

namespace CriShim.NativeTests.Escapes;

/// <summary>
/// The last capability number decides which capabilities the bounding set loses. Read from the
/// container's view (after pivot_root, or after joining its mount namespace for an exec), a
/// /proc/sys/kernel/cap_last_cap saying -1 made the helper drop nothing: a root process got every
/// capability of the host at its execve. It is now read on the host side, before either.
/// </summary>
[Collection("containers")]
public sealed class CapLastCapEscapeTests(ContainerImagesFixture images)
{
    private static string CapabilityLines(string status) =>
        string.Join('\n', status.Split('\n').Where(l => l.StartsWith("CapEff:", StringComparison.Ordinal) || l.StartsWith("CapBnd:", StringComparison.Ordinal)));

    /// <summary>
    /// A container allowed to mount (SYS_ADMIN, not privileged) fakes cap_last_cap in its own mount
    /// namespace; an ExecSync into it joins that namespace and must still get the container's set.
    /// </summary>
    [RootFact]
    public async Task A_faked_cap_last_cap_in_the_container_changes_no_capability_of_an_exec()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("capesc");
        var config = scene.Config("faker", "sh", "-c",
            "mkdir -p /tmp/kernel && echo -1 > /tmp/kernel/cap_last_cap && mount --bind /tmp/kernel /proc/sys/kernel && echo faked && exec sleep 1000");
        config.Linux.SecurityContext.Capabilities = new Capability { AddCapabilities = { "SYS_ADMIN" } };
        var id = await scene.RunAsync(pod, podConfig, config);
        var log = Path.Combine(podConfig.LogDirectory, "faker", "0.log");
        for (var waited = 0; waited < 5000 && !File.ReadAllText(log).Contains("faked", StringComparison.Ordinal); waited += 50)
        {
            await Task.Delay(50);
        }
        var expected = CapabilityNames.MaskOf([.. DefaultCapabilities, "CAP_SYS_ADMIN"]).ToString("x16");

        var faked = await scene.ExecAsync(id, 10, "cat", "/proc/sys/kernel/cap_last_cap");
        var exec = await scene.ExecAsync(id, 10, "grep", "-E", "^Cap(Eff|Bnd)", "/proc/self/status");

        Assert.Equal("-1\n", faked.Stdout);
        Assert.Equal($"CapEff:\t{expected}\nCapBnd:\t{expected}", CapabilityLines(exec.Stdout));
    }

    /// <summary>Driving the helper directly with a volume at /proc/sys/kernel (the daemon refuses one): it refuses too.</summary>
    [RootFact]
    public async Task The_helper_refuses_a_volume_that_would_fake_cap_last_cap()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var fake = Path.Combine(scene.Root, "fake-kernel");
        Directory.CreateDirectory(fake);
        File.WriteAllText(Path.Combine(fake, "cap_last_cap"), "-1\n");
        var spec = scene.Spec("grep", "-E", "^Cap(Eff|Bnd)", "/proc/self/status");
        spec.Mounts = [new ContainerMount { ContainerPath = "/proc/sys/kernel", HostPath = fake, Readonly = true }];

        var started = await ContainerProcessScene.StartAsync(spec);

        Assert.True(started.Error is not null, "the container started with a volume at /proc/sys/kernel");
        Assert.Contains("/proc", started.Error);
        Assert.Equal(StartFailure.InvalidSpec, started.Failure);
    }
}
