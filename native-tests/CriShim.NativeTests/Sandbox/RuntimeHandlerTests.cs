using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Sandbox;

/// <summary>
/// RuntimeClass handlers from <c>[runtimes.NAME]</c> tables, through the real daemon: listed in Status,
/// recorded by RunPodSandbox, and their options applied to the pod's pause, containers and execs.
/// </summary>
[Collection("containers")]
public sealed class RuntimeHandlerTests(ContainerImagesFixture images) : IDisposable
{
    private const string Strict = "crishimtest-strict";
    private const string Traced = "crishimtest-traced";

    /// <summary>The config file and the traced helper wrapper, outside the daemon's own work dir.</summary>
    private readonly string _dir = Directory.CreateTempSubdirectory("crishimtest-rh-").FullName;

    private string TraceLog => Path.Combine(_dir, "helper-calls.log");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A daemon whose config has a handler with RuntimeDefault for unnamed profiles and one whose helper logs each call.</summary>
    private async Task<ContainerScene> StartAsync()
    {
        var wrapper = Path.Combine(_dir, "traced-runtime");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\necho \"$1\" >> {TraceLog}\nexec {Repository.Binary("crishim-runtime")} \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var config = Path.Combine(_dir, "crishim.toml");
        await File.WriteAllTextAsync(config, $"""
            [runtimes.{Strict}]
            default_seccomp_profile = "runtime/default"

            [runtimes.{Traced}]
            runtime_path = "{wrapper}"
            """);
        return await ContainerScene.StartAsync(images, "--config", config);
    }

    private static PodSandboxConfig PodConfig(ContainerScene scene, string name)
    {
        var config = scene.Pods.Config(name);
        config.LogDirectory = Path.Combine(scene.LogDirectory, name);
        return config;
    }

    [RootFact]
    public async Task Status_lists_the_default_and_each_configured_handler_with_features()
    {
        await using var scene = await StartAsync();

        var status = await scene.Runtime.StatusAsync(new StatusRequest());

        Assert.Equal(["", Strict, Traced], status.RuntimeHandlers.Select(h => h.Name));
        Assert.All(status.RuntimeHandlers, h => Assert.NotNull(h.Features));
    }

    [RootFact]
    public async Task An_unknown_handler_is_not_found_and_leaves_nothing()
    {
        await using var scene = await StartAsync();

        var e = await Assert.ThrowsAsync<RpcException>(() => scene.Pods.RunAsync(PodConfig(scene, "rhunknown"), "kata"));

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Contains("'kata'", e.Status.Detail);
        Assert.Empty((await scene.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items);
        Assert.False(Directory.Exists(Path.Combine(scene.Daemon.State, "sandboxes")) &&
            Directory.EnumerateFileSystemEntries(Path.Combine(scene.Daemon.State, "sandboxes")).Any());
    }

    [RootFact]
    public async Task A_pod_keeps_its_handler_and_gets_its_default_seccomp_profile()
    {
        await using var scene = await StartAsync();
        var strictConfig = PodConfig(scene, "rhstrict");
        var plainConfig = PodConfig(scene, "rhplain");
        var strict = await scene.Pods.RunAsync(strictConfig, Strict);
        var plain = await scene.Pods.RunAsync(plainConfig);
        var strictContainer = await scene.RunAsync(strict, strictConfig, scene.Config("c", "sleep", "1000"));
        var plainContainer = await scene.RunAsync(plain, plainConfig, scene.Config("c", "sleep", "1000"));
        var unconfinedConfig = scene.Config("u", "sleep", "1000");
        unconfinedConfig.Linux.SecurityContext.Seccomp = new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.Unconfined };
        var unconfined = await scene.RunAsync(strict, strictConfig, unconfinedConfig);

        Assert.Equal(Strict, (await scene.Pods.StatusAsync(strict)).Status.RuntimeHandler);
        Assert.Equal("", (await scene.Pods.StatusAsync(plain)).Status.RuntimeHandler);
        var listed = (await scene.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items.ToDictionary(p => p.Id, p => p.RuntimeHandler);
        Assert.Equal(Strict, listed[strict]);
        Assert.Equal("", listed[plain]);
        Assert.Equal("2", PodScene.StatusField(await scene.Pods.PausePidAsync(strict), "Seccomp"));
        Assert.Equal("0", PodScene.StatusField(await scene.Pods.PausePidAsync(plain), "Seccomp"));
        Assert.Equal("2", PodScene.StatusField(await PidOfAsync(scene, strictContainer), "Seccomp"));
        Assert.Equal("0", PodScene.StatusField(await PidOfAsync(scene, plainContainer), "Seccomp"));
        Assert.Equal("0", PodScene.StatusField(await PidOfAsync(scene, unconfined), "Seccomp"));

        await scene.Daemon.RestartAsync();
        Assert.Equal(Strict, (await scene.Pods.StatusAsync(strict)).Status.RuntimeHandler);
    }

    [RootFact]
    public async Task A_handler_with_its_own_runtime_path_runs_pause_containers_and_execs_through_it()
    {
        await using var scene = await StartAsync();
        var config = PodConfig(scene, "rhtraced");
        var pod = await scene.Pods.RunAsync(config, Traced);
        var container = await scene.RunAsync(pod, config, scene.Config("c", "sleep", "1000"));
        var exec = await scene.ExecAsync(container, 10, "echo", "through the traced helper");
        var plainConfig = PodConfig(scene, "rhuntraced");
        var plain = await scene.Pods.RunAsync(plainConfig);
        await scene.RunAsync(plain, plainConfig, scene.Config("c", "sleep", "1000"));

        Assert.Equal((0, "through the traced helper"), (exec.ExitCode, exec.Stdout.Trim()));
        Assert.Equal(["sandbox-init", "container-start", "exec"], await File.ReadAllLinesAsync(TraceLog));
    }

    private static async Task<int> PidOfAsync(ContainerScene scene, string id) => (await scene.InfoAsync(id)).GetProperty("pid").GetInt32();
}
