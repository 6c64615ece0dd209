using CriShim.KubeletTests.Infrastructure;

namespace CriShim.KubeletTests;

// Volumes the kubelet prepares (emptyDir, downward API on tmpfs, image volumes) and the env it computes.
public sealed partial class KubeletScenarios
{
    [KubeletFact]
    public async Task An_empty_dir_is_shared_with_a_sidecar()
    {
        await Node.WaitRunningAsync("emptydir");

        await Node.WaitLogAsync("emptydir", "sidecar", $"written-by-{KubeletNode.PodName("emptydir")}-writer");
    }

    [KubeletFact]
    public async Task The_downward_api_fills_a_volume_and_the_environment()
    {
        var pod = await Node.WaitRunningAsync("downward");

        var log = await Node.WaitLogAsync("downward", "app", "mount:");
        Assert.Contains($"DW_POD_NAME={KubeletNode.PodName("downward")}\n", log);
        Assert.Contains("DW_NAMESPACE=default\n", log);
        Assert.Contains($"DW_NODE={KubeletNode.NodeName}\n", log);
        Assert.Contains($"DW_POD_IP={pod.PodIp}\n", log);
        Assert.Contains("DW_MEMORY_MI=48\n", log);
        Assert.Contains("app=\"downward\"", log);
        Assert.Contains("suite=\"crishim\"", log);
        Assert.Contains($"name: {KubeletNode.PodName("downward")}\n", log);
        Assert.Contains("cpu: 250\n", log);
        // The kubelet mounts it as a tmpfs in its own mount namespace; the shared root dir brings it to the container.
        Assert.Contains("mount: tmpfs\n", log);
    }

    [KubeletFact]
    public async Task An_image_volume_shows_the_images_files_read_only()
    {
        await Node.WaitRunningAsync("image-volume");

        // The kubelet (feature gate ImageVolume) pulls the image and hands it to the runtime as Mount.image.
        var log = await Node.WaitLogAsync("image-volume", "app", "mount:");
        Assert.Contains(KubeletNode.ImageVolumeGreeting + "\n", log);
        Assert.Contains("files: greeting owned\n", log);
        Assert.Contains("Read-only file system", log);
        Assert.Contains("mount: overlay ro,", log);
    }
}
