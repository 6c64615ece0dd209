using CriShim.NativeTests.Infrastructure;
using CriShim.NativeTests.Sandbox;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Escapes;

/// <summary>
/// A pod sysctl whose name passes the <c>net.</c> prefix check but climbs out of /proc/sys/net
/// (<c>net.//.vm.swappiness</c> became <c>/proc/sys/net/../vm/swappiness</c>) must be refused
/// before anything is written or created. The hostile names carry the host's current value, so even
/// today's code could not change the host; the reply and the leftovers show whether it was refused.
/// </summary>
public sealed class SysctlNameEscapeTests
{
    [RootFact]
    public async Task A_sysctl_name_that_climbs_out_of_its_namespace_is_invalid_and_leaves_nothing()
    {
        var swappiness = File.ReadAllText("/proc/sys/vm/swappiness").Trim();
        await using var scene = await PodScene.StartAsync();
        string[] hostile = ["net.//.vm.swappiness", "net/../vm/swappiness", "net.ipv4/../../vm.swappiness", "net.ipv4.conf.all/../../../vm/swappiness"];
        foreach (var name in hostile)
        {
            // A pod network namespace: the net. prefix is allowed only there.
            var config = scene.Config("sysctlescape", network: NamespaceMode.Pod);
            config.Linux.Sysctls[name] = swappiness;

            var error = await Assert.ThrowsAsync<RpcException>(() => scene.RunAsync(config));

            Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{name}: {error.Status}");
            Assert.Empty((await scene.Daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items);
            var sandboxes = Path.Combine(scene.Daemon.State, "sandboxes");
            Assert.True(!Directory.Exists(sandboxes) || !Directory.EnumerateFileSystemEntries(sandboxes).Any(), $"{name} left a sandbox directory");
        }
        Assert.Equal(swappiness, File.ReadAllText("/proc/sys/vm/swappiness").Trim());
    }
}
