using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Faults;

/// <summary>
/// Start-up sweeps what no record names: a pod and a container whose records are gone (as a daemon
/// before intent-before-effect could leave them) lose their processes, pins, cgroups, address and files.
/// </summary>
[Collection("faults")]
public sealed class SweepTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task A_pod_and_a_container_without_records_are_swept_at_start_up()
    {
        await using var scene = await FaultScene.StartAsync(images, null);
        var pod = scene.PodConfig("orphan");
        var podId = await scene.RunPodAsync(pod);
        var containerId = await scene.CreateContainerAsync(podId, pod, scene.ContainerConfig("app"));
        await scene.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = containerId });
        Assert.NotEmpty(scene.Network.AllocatedIps());

        await scene.Daemon.StopAsync();
        File.Delete(Path.Combine(scene.Daemon.Root, "sandboxes", podId + ".json"));
        File.Delete(Path.Combine(scene.Daemon.Root, "containers", "metadata", containerId + ".json"));
        File.Delete(Path.Combine(scene.Daemon.Root, "containers", "status", containerId + ".json"));
        await scene.RestartAsync(null);

        Assert.Empty(await scene.PodsAsync());
        Assert.Contains("no record names", scene.Daemon.Log);
        // The parents of the lost pod's cgroup cannot be known to be crishim's: the test removes those.
        foreach (var parent in Directory.EnumerateDirectories("/sys/fs/cgroup").Select(h => h + scene.CgroupRoot).Where(Directory.Exists))
        {
            foreach (var directory in Directory.EnumerateDirectories(parent, "*", SearchOption.AllDirectories).Reverse().Append(parent))
            {
                Directory.Delete(directory);
            }
        }
        await scene.AssertNothingLeftAsync();
    }
}
