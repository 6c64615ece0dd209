using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;
using ProfileType = CriShim.Protocol.V1.SecurityProfile.Types.ProfileType;

namespace CriShim.NativeTests.Security;

/// <summary>AppArmor and SELinux on a node without either, answered as containerd answers there.</summary>
[Collection("containers")]
public sealed class MandatoryAccessControlTests(ContainerImagesFixture images)
{
    private static SELinuxOption Selinux(string level) => new() { User = "system_u", Role = "system_r", Type = "container_t", Level = level };

    [RootFact]
    public async Task Selinux_options_are_accepted_without_effect_and_a_malformed_level_is_invalid()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var podConfig = scene.Pods.Config("selinux");
        podConfig.LogDirectory = Path.Combine(scene.LogDirectory, "selinux");
        podConfig.Linux.SecurityContext.SelinuxOptions = Selinux("s0:c1,c2");
        var pod = await scene.Pods.RunAsync(podConfig);
        var badPod = scene.Pods.Config("selinuxbad");
        badPod.Linux.SecurityContext.SelinuxOptions = Selinux("s0:c1:c2");
        var container = scene.Config("labelled", "true");
        container.Linux.SecurityContext.SelinuxOptions = Selinux("s0:c1,c2");
        var badContainer = scene.Config("badlabel", "true");
        badContainer.Linux.SecurityContext.SelinuxOptions = Selinux("top-secret");

        var id = await scene.RunAsync(pod, podConfig, container);
        var refusedPod = await Assert.ThrowsAsync<RpcException>(() => scene.Pods.RunAsync(badPod));
        var refusedContainer = await Assert.ThrowsAsync<RpcException>(() => scene.CreateAsync(pod, podConfig, badContainer));

        Assert.Equal(0, (await scene.WaitExitedAsync(id)).ExitCode);
        Assert.Equal((StatusCode.InvalidArgument, StatusCode.InvalidArgument), (refusedPod.StatusCode, refusedContainer.StatusCode));
        Assert.Contains("selinux_options.level 's0:c1:c2'", refusedPod.Status.Detail);
        Assert.Contains("selinux_options.level 'top-secret'", refusedContainer.Status.Detail);
        Assert.Single((await scene.Pods.Daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items);
    }

    [RootFact]
    public async Task An_apparmor_profile_other_than_unconfined_fails_loudly()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("apparmor");
        var unconfined = scene.Config("unconfined", "true");
        unconfined.Linux.SecurityContext.Apparmor = new SecurityProfile { ProfileType = ProfileType.Unconfined };
        var localhost = scene.Config("localhost", "true");
        localhost.Linux.SecurityContext.Apparmor = new SecurityProfile { ProfileType = ProfileType.Localhost, LocalhostRef = "k8s-apparmor-example" };
        var deprecated = scene.Config("deprecated", "true");
#pragma warning disable CS0612
        deprecated.Linux.SecurityContext.ApparmorProfile = "runtime/default";
#pragma warning restore CS0612

        await scene.CreateAsync(pod, podConfig, unconfined);
        var refused = await Assert.ThrowsAsync<RpcException>(() => scene.CreateAsync(pod, podConfig, localhost));
        var refusedDeprecated = await Assert.ThrowsAsync<RpcException>(() => scene.CreateAsync(pod, podConfig, deprecated));

        Assert.Equal((StatusCode.FailedPrecondition, StatusCode.FailedPrecondition), (refused.StatusCode, refusedDeprecated.StatusCode));
        Assert.Contains("apparmor profile 'localhost/k8s-apparmor-example'", refused.Status.Detail);
        Assert.Contains("apparmor profile 'runtime/default'", refusedDeprecated.Status.Detail);
    }
}
