using CriShim.KubeletTests.Infrastructure;

namespace CriShim.KubeletTests;

// A pod deleted while running leaves nothing once the kubelet's garbage collection (once a minute) ran.
public sealed partial class KubeletScenarios
{
    [KubeletFact(Order = -1)]
    public async Task A_deleted_pod_leaves_nothing_behind_after_the_kubelets_garbage_collection()
    {
        var pod = await Node.WaitRunningAsync("gc");
        var sandbox = (await Node.SandboxesOfAsync(pod.Uid)).Single(s => s.State == Protocol.V1.PodSandboxState.SandboxReady);
        var containers = await Node.ContainersOfAsync(pod.Uid);
        var logDir = Path.Combine(Node.Kubelet.PodLogsDir, $"{KubeletNode.Namespace}_{pod.Name}_{pod.Uid}");
        var kubeletPodDir = Path.Combine(Node.Kubelet.RootDir, "pods", pod.Uid);
        Assert.True(Directory.Exists(logDir), logDir);
        Assert.NotEmpty(PodCgroups(pod.Uid));
        Assert.NotEmpty(Mounts(pod.Uid, sandbox.Id));
        Assert.Contains(pod.PodIp, Node.Network.AllocatedIps());
        Assert.NotEmpty(containers);

        Node.DeleteManifest("gc");
        await KubeletNode.WaitUntilAsync(async () => (await Node.SandboxesOfAsync(pod.Uid)).Count == 0 && !Directory.Exists(logDir),
            TimeSpan.FromSeconds(150), what: $"garbage-collected (sandbox {sandbox.Id}, log dir)\n{Node.Diagnostics()}");

        Assert.Empty(await Node.ContainersOfAsync(pod.Uid));
        Assert.Empty(Mounts(pod.Uid, sandbox.Id));
        Assert.Empty(PodCgroups(pod.Uid));
        Assert.DoesNotContain(pod.PodIp, Node.Network.AllocatedIps());
        Assert.False(Directory.Exists(Path.Combine(Node.Crishim.State, "sandboxes", sandbox.Id)), "crishim's sandbox state dir");
        foreach (var container in containers)
        {
            Assert.False(Directory.Exists(Path.Combine(Node.Crishim.State, "containers", container.Id)), $"crishim's state dir of {container.Id}");
        }
        await KubeletNode.WaitUntilAsync(() => Task.FromResult(!Directory.Exists(kubeletPodDir)), TimeSpan.FromSeconds(20), what: "kubelet pod dir removed");
        Assert.Null(await Node.PodAsync("gc"));
    }

    private static IReadOnlyList<string> PodCgroups(string uid) =>
        KubeletNode.CgroupHierarchies().Select(h => h + KubeletNode.CgroupRoot).Where(Directory.Exists)
            .SelectMany(r => Directory.EnumerateDirectories(r, "pod" + uid, SearchOption.AllDirectories)).ToList();

    private static IReadOnlyList<string> Mounts(string uid, string sandboxId) =>
        File.ReadAllLines("/proc/self/mountinfo").Where(l => l.Contains(uid, StringComparison.Ordinal) || l.Contains(sandboxId, StringComparison.Ordinal)).ToList();
}
