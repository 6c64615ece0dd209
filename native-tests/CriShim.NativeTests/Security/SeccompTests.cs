using CriShim.Native;
using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.NativeTests.Sandbox;
using CriShim.Protocol.V1;
using Grpc.Core;
using ProfileType = CriShim.Protocol.V1.SecurityProfile.Types.ProfileType;

namespace CriShim.NativeTests.Security;

/// <summary>Seccomp profiles through CRI: which syscalls the container process and its execs may make.</summary>
[Collection("containers")]
public sealed class SeccompTests(ContainerImagesFixture images)
{
    private const string Sleep = "sleep";

    /// <summary>Denies chmod (busybox's chmod ends in fchmodat; fchmodat2 is unknown to this libseccomp and skipped) and allows the rest.</summary>
    private const string DenyChmod = """
        {
          "defaultAction": "SCMP_ACT_ALLOW",
          "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
          "syscalls": [{ "names": ["chmod", "fchmodat", "fchmodat2"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 }]
        }
        """;

    private static SecurityProfile Profile(ProfileType type, string reference = "") => new() { ProfileType = type, LocalhostRef = reference };

    private static ContainerConfig Confined(ContainerScene scene, string name, SecurityProfile? profile, params string[] addCapabilities)
    {
        var config = scene.Config(name, Sleep, "1000");
        config.Linux.SecurityContext.Seccomp = profile;
        config.Linux.SecurityContext.Capabilities = new Capability { AddCapabilities = { addCapabilities } };
        return config;
    }

    private static async Task<int> PidOfAsync(ContainerScene scene, string id) => (await scene.InfoAsync(id)).GetProperty("pid").GetInt32();

    private static string WriteProfile(ContainerScene scene, string name, string json)
    {
        var file = Path.Combine(scene.Daemon.WorkDir, name);
        File.WriteAllText(file, json);
        return file;
    }

    [RootFact]
    public async Task Runtime_default_allows_sethostname_only_with_cap_sys_admin_and_unconfined_allows_it()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        // sethostname must hit the pod's own UTS namespace, which comes with a pod network.
        await using var net = await TestCniNetwork.CreateAsync(scene.Daemon.CniConfDir, scene.Daemon.WorkDir, "crishimsc", "crishimsc0", "10.99.84.0/24", withLoopback: true);
        var (pod, podConfig) = await scene.PodAsync("schost", network: NamespaceMode.Pod);
        var plain = await scene.RunAsync(pod, podConfig, Confined(scene, "plain", Profile(ProfileType.RuntimeDefault)));
        var admin = await scene.RunAsync(pod, podConfig, Confined(scene, "admin", Profile(ProfileType.RuntimeDefault), "SYS_ADMIN"));
        var unconfinedAdmin = await scene.RunAsync(pod, podConfig, Confined(scene, "free", Profile(ProfileType.Unconfined), "SYS_ADMIN"));
        var unconfined = await scene.RunAsync(pod, podConfig, Confined(scene, "freeplain", Profile(ProfileType.Unconfined)));

        var denied = await scene.ExecAsync(plain, 10, "hostname", "denied-name");
        var allowed = await scene.ExecAsync(admin, 10, "hostname", "admin-name");
        var allowedUnconfined = await scene.ExecAsync(unconfinedAdmin, 10, "hostname", "free-name");
        // unshare(CLONE_NEWUSER) needs no capability: only the filter can refuse it.
        var userNamespaceConfined = await scene.ExecAsync(plain, 10, "unshare", "-U", "true");
        var userNamespaceFree = await scene.ExecAsync(unconfined, 10, "unshare", "-U", "true");

        Assert.NotEqual(0, denied.ExitCode);
        Assert.Equal((0, ""), (allowed.ExitCode, allowed.Stderr));
        Assert.Equal(0, allowedUnconfined.ExitCode);
        Assert.Equal("free-name", (await scene.ExecAsync(plain, 10, "hostname")).Stdout.Trim());
        Assert.NotEqual(0, userNamespaceConfined.ExitCode);
        Assert.Contains("Operation not permitted", userNamespaceConfined.Stderr);
        Assert.Equal((0, ""), (userNamespaceFree.ExitCode, userNamespaceFree.Stderr));
    }

    [RootFact]
    public async Task A_localhost_profile_that_denies_chmod_blocks_it_in_the_container_and_in_execs()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("scchmod");
        var profile = WriteProfile(scene, "deny-chmod.json", DenyChmod);
        var main = scene.Config("main", "sh", "-c", "touch /tmp/f; chmod 600 /tmp/f; echo chmod=$?");
        main.Linux.SecurityContext.Seccomp = Profile(ProfileType.Localhost, profile);
        var mainId = await scene.RunAsync(pod, podConfig, main);
        var old = scene.Config("old", Sleep, "1000");
#pragma warning disable CS0612
        old.Linux.SecurityContext.SeccompProfilePath = "localhost/" + profile;
#pragma warning restore CS0612
        var oldId = await scene.RunAsync(pod, podConfig, old);
        var free = await scene.RunAsync(pod, podConfig, scene.Config("free", Sleep, "1000"));
        await scene.WaitExitedAsync(mainId);

        var blocked = await scene.ExecAsync(oldId, 10, "sh", "-c", "touch /tmp/g && chmod 600 /tmp/g");
        var allowed = await scene.ExecAsync(free, 10, "sh", "-c", "touch /tmp/g && chmod 600 /tmp/g && stat -c %a /tmp/g");

        Assert.Contains("chmod=1", ContainerScene.LogContent(Path.Combine(podConfig.LogDirectory, "main/0.log")));
        Assert.NotEqual(0, blocked.ExitCode);
        Assert.Contains("Operation not permitted", blocked.Stderr);
        Assert.Equal((0, "600"), (allowed.ExitCode, allowed.Stdout.Trim()));
    }

    [RootFact]
    public async Task Proc_status_shows_seccomp_2_for_filtered_processes_and_their_execs_and_0_unconfined()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("scstatus");
        var filtered = await scene.RunAsync(pod, podConfig, Confined(scene, "filtered", Profile(ProfileType.RuntimeDefault)));
        var unconfined = await scene.RunAsync(pod, podConfig, Confined(scene, "unconfined", Profile(ProfileType.Unconfined)));
        var none = await scene.RunAsync(pod, podConfig, scene.Config("none", Sleep, "1000"));

        string ExecField(string status) => status.Split('\n').First(l => l.StartsWith("Seccomp:", StringComparison.Ordinal)).Split(':')[1].Trim();

        Assert.Equal("2", PodScene.StatusField(await PidOfAsync(scene, filtered), "Seccomp"));
        Assert.Equal("0", PodScene.StatusField(await PidOfAsync(scene, unconfined), "Seccomp"));
        Assert.Equal("0", PodScene.StatusField(await PidOfAsync(scene, none), "Seccomp"));
        Assert.Equal("2", ExecField((await scene.ExecAsync(filtered, 10, "cat", "/proc/self/status")).Stdout));
        Assert.Equal("0", ExecField((await scene.ExecAsync(unconfined, 10, "cat", "/proc/self/status")).Stdout));
    }

    [RootFact]
    public async Task A_privileged_container_ignores_a_blocking_profile()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("scpriv", privileged: true);
        var config = scene.Config("priv", Sleep, "1000");
        config.Linux.SecurityContext.Privileged = true;
        config.Linux.SecurityContext.Seccomp = Profile(ProfileType.Localhost, WriteProfile(scene, "deny-chmod.json", DenyChmod));
        var id = await scene.RunAsync(pod, podConfig, config);

        var chmod = await scene.ExecAsync(id, 10, "sh", "-c", "touch /tmp/f && chmod 600 /tmp/f");

        Assert.Equal((0, ""), (chmod.ExitCode, chmod.Stderr));
        Assert.Equal("0", PodScene.StatusField(await PidOfAsync(scene, id), "Seccomp"));
    }

    [RootFact]
    public async Task Bad_profiles_are_invalid_argument_naming_the_file_and_leave_nothing()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("scbad");
        var broken = WriteProfile(scene, "broken.json", "{ \"defaultAction\": ");
        var unknownAction = WriteProfile(scene, "unknown.json", """{ "defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{ "names": ["chmod"], "action": "SCMP_ACT_DENY" }] }""");

        async Task<RpcException> Refused(Action<LinuxContainerSecurityContext> set)
        {
            var config = scene.Config("bad", Sleep, "1000");
            set(config.Linux.SecurityContext);
            return await Assert.ThrowsAsync<RpcException>(() => scene.CreateAsync(pod, podConfig, config));
        }

#pragma warning disable CS0612
        var withoutPrefix = await Refused(s => s.SeccompProfilePath = unknownAction);
#pragma warning restore CS0612
        var notJson = await Refused(s => s.Seccomp = Profile(ProfileType.Localhost, broken));
        var badAction = await Refused(s => s.Seccomp = Profile(ProfileType.Localhost, unknownAction));
        var missing = await Refused(s => s.Seccomp = Profile(ProfileType.Localhost, "/nonexistent/profile.json"));
        var apparmor = await Refused(s => s.Apparmor = Profile(ProfileType.RuntimeDefault));

        Assert.All([withoutPrefix, notJson, badAction, missing], e => Assert.Equal(StatusCode.InvalidArgument, e.StatusCode));
        Assert.Contains($"seccomp_profile_path '{unknownAction}'", withoutPrefix.Status.Detail);
        Assert.Contains($"seccomp profile {broken}: not valid JSON", notJson.Status.Detail);
        Assert.Contains($"seccomp profile {unknownAction}: syscalls[0].action: unknown action \"SCMP_ACT_DENY\"", badAction.Status.Detail);
        Assert.Contains("/nonexistent/profile.json", missing.Status.Detail);
        Assert.Equal(StatusCode.FailedPrecondition, apparmor.StatusCode);
        Assert.Contains("apparmor", apparmor.Status.Detail);
        Assert.Empty((await scene.Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
        // The name was released: the same container can be created once the profile is fixed.
        var fixedConfig = scene.Config("bad", Sleep, "1000");
        fixedConfig.Linux.SecurityContext.Seccomp = Profile(ProfileType.RuntimeDefault);
        await scene.CreateAsync(pod, podConfig, fixedConfig);
    }

    [RootFact]
    public async Task The_pause_process_gets_the_sandbox_profile()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var confinedConfig = scene.Pods.Config("scpause");
        confinedConfig.Linux.SecurityContext.Seccomp = Profile(ProfileType.RuntimeDefault);
        var confined = await scene.Pods.RunAsync(confinedConfig);
        var plain = await scene.Pods.RunAsync(scene.Pods.Config("scpauseplain"));
        var badConfig = scene.Pods.Config("scpausebad");
#pragma warning disable CS0612
        badConfig.Linux.SecurityContext.SeccompProfilePath = "/etc/profile.json";
#pragma warning restore CS0612

        var bad = await Assert.ThrowsAsync<RpcException>(() => scene.Pods.RunAsync(badConfig));

        Assert.Equal("2", PodScene.StatusField(await scene.Pods.PausePidAsync(confined), "Seccomp"));
        Assert.Equal("0", PodScene.StatusField(await scene.Pods.PausePidAsync(plain), "Seccomp"));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        // The pod's containers do not inherit it: the kubelet sets each container's own profile.
        var container = await scene.RunAsync(confined, confinedConfig, scene.Config("inner", Sleep, "1000"));
        Assert.Equal("0", PodScene.StatusField(await PidOfAsync(scene, container), "Seccomp"));
        // A confined pause still stops on SIGTERM, well before the daemon's 5 s SIGKILL.
        var pause = ProcessIdentity.Find(await scene.Pods.PausePidAsync(confined))!.Value;
        var stopping = DateTime.UtcNow;
        await scene.Pods.StopAsync(confined);
        Assert.True(DateTime.UtcNow - stopping < TimeSpan.FromSeconds(4), "pause needed SIGKILL");
        Assert.False(pause.IsAlive, $"pause {pause.Pid} outlived StopPodSandbox");
    }
}
