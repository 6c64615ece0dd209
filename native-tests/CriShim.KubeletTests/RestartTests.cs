using CriShim.KubeletTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.KubeletTests;

// The node's two daemons restarted under running pods: the kubelet (it rebuilds its view from the CRI) and
// crishim (the kubelet reconnects; containers never were its children). Pods keep running, nothing restarts.
public sealed partial class KubeletScenarios
{
    /// <summary>Pods no other test stops or breaks on purpose.</summary>
    private static readonly string[] Steady = ["localhost", "emptydir", "downward", "hostname", "logs", "sharepid", "hostport", "sidecar"];

    [KubeletFact(Order = 100)]
    public async Task Pods_keep_running_while_the_kubelet_restarts()
    {
        var before = await SnapshotAsync();

        await Node.Kubelet.StopAsync();
        foreach (var (pod, containers) in before)
        {
            foreach (var (name, (id, _)) in containers.Where(c => !c.Key.StartsWith("sandbox ", StringComparison.Ordinal)))
            {
                var status = (await Node.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status;
                Assert.True(status.State == ContainerState.ContainerRunning, $"{pod}/{name} is {status.State} without the kubelet");
            }
        }
        await Node.Kubelet.StartAsync();

        await AssertUnchangedAsync(before);
    }

    [KubeletFact(Order = 101)]
    public async Task Pods_keep_running_while_crishim_restarts_and_new_pods_start_after()
    {
        var before = await SnapshotAsync();

        await Node.Crishim.RestartAsync();
        await File.WriteAllTextAsync(Path.Combine(KubeletNode.BaseDir, "crishim.pid"), Node.Crishim.Pid.ToString());

        await AssertUnchangedAsync(before);
        await Node.WriteManifestAsync("after-restart", StaticPods.All(Node).Single(p => p.Name == "hostname").Manifest.Replace("name: hostname", "name: after-restart"));
        await Node.WaitRunningAsync("after-restart");
        await Node.WaitLogAsync("after-restart", "app", $"hostname: {KubeletNode.PodName("after-restart")}");
        Node.DeleteManifest("after-restart");
    }

    /// <summary>Per steady pod: each running container's id and restart count, and the ids of the pod's sandboxes.</summary>
    private async Task<Dictionary<string, Dictionary<string, (string Id, int Restarts)>>> SnapshotAsync()
    {
        var snapshot = new Dictionary<string, Dictionary<string, (string, int)>>();
        foreach (var name in Steady)
        {
            var pod = await Node.WaitRunningAsync(name);
            snapshot[name] = pod.Containers.Concat(pod.InitContainers.Where(c => c.State.Running))
                .ToDictionary(c => c.Name, c => (c.ContainerId, c.RestartCount));
            foreach (var sandbox in await Node.SandboxesOfAsync(pod.Uid))
            {
                snapshot[name]["sandbox " + sandbox.Id] = (sandbox.State.ToString(), (int)sandbox.Metadata.Attempt);
            }
        }
        return snapshot;
    }

    /// <summary>After the restart (and two kubelet sync periods), the same containers run with the same restart counts in the same sandboxes.</summary>
    private async Task AssertUnchangedAsync(Dictionary<string, Dictionary<string, (string Id, int Restarts)>> before)
    {
        foreach (var name in Steady)
        {
            await Node.WaitRunningAsync(name);
        }
        await Task.Delay(TimeSpan.FromSeconds(12));
        var after = await SnapshotAsync();
        foreach (var (pod, containers) in before)
        {
            Assert.True(containers.OrderBy(c => c.Key).SequenceEqual(after[pod].OrderBy(c => c.Key)),
                $"{pod} before: {string.Join(", ", containers.OrderBy(c => c.Key))}\n{pod} after: {string.Join(", ", after[pod].OrderBy(c => c.Key))}\n{Node.Diagnostics()}");
        }
    }
}
