using System.Text.Json;
using CriShim.KubeletTests.Infrastructure;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.KubeletTests;

// hostUsers: false (feature gate UserNamespacesSupport): the kubelet picks the pod's id range, crishim makes the namespace.
public sealed partial class KubeletScenarios
{
    /// <summary>What the kubelet gives each pod (pkg/kubelet/userns: 65536 ids, from a multiple of 65536 above 0).</summary>
    private const uint IdsPerPod = 65536;

    [KubeletFact]
    public async Task A_pod_with_hostUsers_false_runs_in_a_user_namespace_with_the_kubelets_mapping()
    {
        var pod = await Node.WaitRunningAsync("userns");
        var log = await Node.WaitLogAsync("userns", "app", "written");

        // The kubelet's own record of the range it chose (without a "kubelet" user in /etc/subuid: from 65536 up to 2^32).
        var (hostUid, hostGid) = KubeletUserNamespace(pod.Uid);
        Assert.Equal(hostUid, hostGid);
        Assert.True(hostUid >= IdsPerPod && hostUid % IdsPerPod == 0, $"the kubelet's range starts at {hostUid}");
        Assert.Contains($"uid_map: 0 {hostUid} {IdsPerPod}\n", log);
        Assert.Contains($"gid_map: 0 {hostGid} {IdsPerPod}\n", log);
        Assert.Contains("id: 0:0\n", log);
        // The root file system and the image volume keep the image's owners through id-mapped layers.
        Assert.Contains("owners: 0:0 0:0 1000:1000\n", log);

        // Root inside is the mapped uid outside: the process, and what it writes in its root file system.
        var app = pod.Container("app");
        var status = await Node.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = app.ContainerId, Verbose = true });
        var pid = JsonDocument.Parse(status.Info["info"]).RootElement.GetProperty("pid").GetInt32();
        var uids = File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        Assert.Equal($"{hostUid} {hostUid} {hostUid} {hostUid}", string.Join(' ', uids.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Skip(1)));
        var inRootfs = Path.Combine(Node.Crishim.Root, "containers", app.ContainerId, "upper", "in-rootfs");
        Assert.Equal($"{hostUid}:{hostGid}", (await Shell.Run("stat", "-c", "%u:%g", inRootfs)).Trim());
        // The kubelet sends the pod's mappings on every mount of such a pod, so the hostPath volume is id-mapped: what
        // root writes there is root's on disk, as containerd does it (a mount without mappings would show the mapped uid).
        var onHostPath = Path.Combine(Node.SharedHostPathDir, "userns-root");
        Assert.Equal("0:0", (await Shell.Run("stat", "-c", "%u:%g", onHostPath)).Trim());
        var shared = File.ReadAllLines($"/proc/{pid}/mountinfo").Single(l => l.Split(' ')[4] == "/shared");
        Assert.Contains("idmapped", shared.Split(' ')[5]);
        // An exec through the CRI enters the same namespace.
        var exec = await Node.ExecAsync(app.ContainerId, "id", "-u");
        Assert.Equal((0, "0"), (exec.ExitCode, exec.Output.Trim()));

        // It stops as any other pod when its manifest goes.
        Node.DeleteManifest("userns");
        await KubeletNode.WaitUntilAsync(async () => (await Node.SandboxesOfAsync(pod.Uid)).All(s => s.State == PodSandboxState.SandboxNotready)
            && (await Node.ContainersOfAsync(pod.Uid)).All(c => c.State == ContainerState.ContainerExited),
            TimeSpan.FromSeconds(30), what: $"stopped\n{Node.Diagnostics()}");
        Assert.False(Directory.Exists($"/proc/{pid}"), $"the container's process {pid} is still there");
    }

    /// <summary>The pod's uid and gid mappings as the kubelet keeps them in its pod directory (the file <c>userns</c>).</summary>
    private (uint HostUid, uint HostGid) KubeletUserNamespace(string podUid)
    {
        var file = Path.Combine(Node.Kubelet.RootDir, "pods", podUid, "userns");
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        static uint HostIdOf(JsonElement mappings)
        {
            var mapping = Assert.Single(mappings.EnumerateArray());
            Assert.Equal(0u, mapping.GetProperty("containerId").GetUInt32());
            Assert.Equal(IdsPerPod, mapping.GetProperty("length").GetUInt32());
            return mapping.GetProperty("hostId").GetUInt32();
        }
        return (HostIdOf(document.RootElement.GetProperty("uidMappings")), HostIdOf(document.RootElement.GetProperty("gidMappings")));
    }
}
