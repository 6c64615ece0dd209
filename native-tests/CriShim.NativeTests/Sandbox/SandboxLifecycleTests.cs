using CriShim.Native;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Sandbox;

/// <summary>RunPodSandbox to RemovePodSandbox through the real daemon, with host-network pods (no CNI needed).</summary>
public sealed class SandboxLifecycleTests
{
    [RootFact]
    public async Task A_pod_gets_pause_as_pid_1_its_own_ipc_with_sysctls_its_files_and_its_cgroup()
    {
        await using var scene = await PodScene.StartAsync();
        var config = scene.Config("alpha");
        config.Linux.Sysctls["kernel.shm_rmid_forced"] = "1";
        config.DnsConfig = new DNSConfig { Servers = { "10.99.9.10" }, Searches = { "svc.cluster.local" }, Options = { "ndots:5" } };

        var id = await scene.RunAsync(config);
        var info = await scene.InfoAsync(id);
        var pid = info.GetProperty("pid").GetInt32();

        Assert.EndsWith("\t1", PodScene.StatusField(pid, "NSpid"));
        Assert.NotEqual(PodScene.NamespaceOf(Environment.ProcessId, "ipc"), PodScene.NamespaceOf(pid, "ipc"));
        Assert.NotEqual(PodScene.NamespaceOf(Environment.ProcessId, "pid"), PodScene.NamespaceOf(pid, "pid"));
        Assert.Equal(PodScene.NamespaceOf(Environment.ProcessId, "net"), PodScene.NamespaceOf(pid, "net"));
        Assert.Equal(PodScene.NamespaceOf(Environment.ProcessId, "uts"), PodScene.NamespaceOf(pid, "uts"));
        var ipcPin = info.GetProperty("namespaces").GetProperty("ipc").GetString()!;
        Assert.Equal("1", (await Shell.Run("nsenter", $"--ipc={ipcPin}", "cat", "/proc/sys/kernel/shm_rmid_forced")).Trim());
        Assert.Equal("0", (await Shell.Run("cat", "/proc/sys/kernel/shm_rmid_forced")).Trim());
        Assert.Equal("search svc.cluster.local\nnameserver 10.99.9.10\noptions ndots:5\n",
            await File.ReadAllTextAsync(info.GetProperty("resolvConf").GetString()!));
        Assert.Equal(System.Net.Dns.GetHostName() + "\n", await File.ReadAllTextAsync(info.GetProperty("hostnameFile").GetString()!));
        Assert.Contains(PodScene.MountsUnder(scene.Daemon.State), m => m.Contains(" - tmpfs ") && m.Contains(info.GetProperty("shm").GetString()!));
        var cgroupPath = info.GetProperty("cgroupPath").GetString()!;
        Assert.StartsWith($"{scene.CgroupRoot}/podalpha/crishim-{id}", cgroupPath);
        var cgroups = await File.ReadAllTextAsync($"/proc/{pid}/cgroup");
        Assert.Contains($":memory:{cgroupPath}\n", cgroups);
        Assert.Contains($":pids:{cgroupPath}\n", cgroups);
        Assert.Contains($":cpuset:{cgroupPath}\n", cgroups);

        var status = (await scene.StatusAsync(id)).Status;
        Assert.Equal(PodSandboxState.SandboxReady, status.State);
        Assert.Equal("alpha", status.Metadata.Name);
        Assert.Equal("test", status.Labels["tier"]);
        Assert.Equal("from the native tests", status.Annotations["note"]);
        Assert.Equal(NamespaceMode.Node, status.Linux.Namespaces.Options.Network);
        Assert.True(status.CreatedAt > 0);
    }

    [RootFact]
    public async Task Host_ipc_and_host_pid_keep_the_node_namespaces_pin_nothing_and_run_no_process()
    {
        await using var scene = await PodScene.StartAsync();

        var id = await scene.RunAsync(scene.Config("beta", pid: NamespaceMode.Node, ipc: NamespaceMode.Node));
        var info = await scene.InfoAsync(id);

        Assert.Equal(0, info.GetProperty("pid").GetInt32());
        Assert.Empty(info.GetProperty("namespaces").EnumerateObject());
        Assert.Equal("/dev/shm", info.GetProperty("shm").GetString());
        Assert.Empty(PodScene.MountsUnder(scene.Daemon.State));
        Assert.Equal(PodSandboxState.SandboxReady, (await scene.StatusAsync(id)).Status.State);
    }

    [RootFact]
    public async Task Pid_mode_container_pins_the_pods_own_ipc_namespace_without_pause()
    {
        await using var scene = await PodScene.StartAsync();
        var config = scene.Config("gamma", pid: NamespaceMode.Container);
        config.Linux.Sysctls["kernel.shm_rmid_forced"] = "1";

        var id = await scene.RunAsync(config);
        var info = await scene.InfoAsync(id);

        Assert.Equal(0, info.GetProperty("pid").GetInt32());
        var ipcPin = info.GetProperty("namespaces").GetProperty("ipc").GetString()!;
        Assert.False(Namespaces.AreSame($"/proc/{Environment.ProcessId}/ns/ipc", ipcPin));
        Assert.Equal("1", (await Shell.Run("nsenter", $"--ipc={ipcPin}", "cat", "/proc/sys/kernel/shm_rmid_forced")).Trim());
        Assert.Equal(PodSandboxState.SandboxReady, (await scene.StatusAsync(id)).Status.State);
        await scene.RemoveAsync(id);
        scene.AssertNothingLeft(id, null);
    }

    [RootFact]
    public async Task Sysctls_that_would_change_the_node_are_invalid_argument_and_leave_nothing()
    {
        await using var scene = await PodScene.StartAsync();
        var cases = new (string Name, NamespaceMode Ipc)[]
        {
            ("net.ipv4.ip_forward", NamespaceMode.Pod),      // host network
            ("kernel.shm_rmid_forced", NamespaceMode.Node),  // host IPC
            ("kernel.panic", NamespaceMode.Pod),             // not namespaced at all
            ("kernel.shm_no_such_knob", NamespaceMode.Pod),  // namespaced prefix, refused by the kernel
        };
        foreach (var (sysctl, ipc) in cases)
        {
            var config = scene.Config("delta", ipc: ipc);
            config.Linux.Sysctls[sysctl] = "1";

            var error = await Assert.ThrowsAsync<RpcException>(() => scene.RunAsync(config));

            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains(sysctl, error.Status.Detail);
            Assert.Empty((await scene.Daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items);
            Assert.Empty(Directory.Exists(Path.Combine(scene.Daemon.State, "sandboxes"))
                ? Directory.GetFileSystemEntries(Path.Combine(scene.Daemon.State, "sandboxes")) : []);
            Assert.Empty(PodScene.MountsUnder(scene.Daemon.State));
            Assert.Empty(scene.CgroupDirectories());
        }
        // The name was released each time: the same pod runs now.
        Assert.NotEmpty(await scene.RunAsync(scene.Config("delta")));
    }

    [RootFact]
    public async Task The_same_name_namespace_uid_and_attempt_twice_is_already_exists_naming_the_first()
    {
        await using var scene = await PodScene.StartAsync();
        var first = await scene.RunAsync(scene.Config("epsilon"));

        var error = await Assert.ThrowsAsync<RpcException>(() => scene.RunAsync(scene.Config("epsilon")));

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Contains(first, error.Status.Detail);
        var retry = scene.Config("epsilon");
        retry.Metadata.Attempt = 1;
        Assert.NotEqual(first, await scene.RunAsync(retry));
    }

    [RootFact]
    public async Task An_unknown_runtime_handler_is_not_found()
    {
        await using var scene = await PodScene.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => scene.RunAsync(scene.Config("zeta"), handler: "kata"));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("kata", error.Status.Detail);
        Assert.Empty(scene.CgroupDirectories());
    }

    [RootFact]
    public async Task Stop_and_remove_are_idempotent_also_for_unknown_ids_and_remove_leaves_nothing()
    {
        await using var scene = await PodScene.StartAsync();
        var id = await scene.RunAsync(scene.Config("eta"));
        var pause = ProcessIdentity.Find(await scene.PausePidAsync(id))!.Value;

        await scene.StopAsync(id);
        Assert.False(pause.IsAlive);
        Assert.Equal(PodSandboxState.SandboxNotready, (await scene.StatusAsync(id)).Status.State);
        await scene.StopAsync(id);
        await scene.RemoveAsync(id);

        scene.AssertNothingLeft(id, pause);
        await scene.RemoveAsync(id);
        await scene.StopAsync(id);
        var missing = await Assert.ThrowsAsync<RpcException>(() => scene.StatusAsync(id));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [RootFact]
    public async Task Remove_of_a_running_pod_stops_it_and_leaves_nothing()
    {
        await using var scene = await PodScene.StartAsync();
        var id = await scene.RunAsync(scene.Config("theta"));
        var pause = ProcessIdentity.Find(await scene.PausePidAsync(id))!.Value;

        await scene.RemoveAsync(id);

        scene.AssertNothingLeft(id, pause);
    }

    [RootFact]
    public async Task List_filters_by_id_prefix_state_and_labels()
    {
        await using var scene = await PodScene.StartAsync();
        var a = await scene.RunAsync(scene.Config("iota"));
        var b = await scene.RunAsync(scene.Config("kappa"));
        await scene.StopAsync(b);

        async Task<IReadOnlyList<string>> List(PodSandboxFilter filter) =>
            (await scene.Daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest { Filter = filter })).Items.Select(p => p.Id).ToList();

        Assert.Equal([a], await List(new PodSandboxFilter { Id = a[..10] }));
        Assert.Equal([a], await List(new PodSandboxFilter { State = new PodSandboxStateValue { State = PodSandboxState.SandboxReady } }));
        Assert.Equal([b], await List(new PodSandboxFilter { State = new PodSandboxStateValue { State = PodSandboxState.SandboxNotready } }));
        Assert.Equal([b], await List(new PodSandboxFilter { LabelSelector = { ["app"] = "kappa", ["tier"] = "test" } }));
        Assert.Empty(await List(new PodSandboxFilter { LabelSelector = { ["app"] = "kappa", ["tier"] = "prod" } }));
        Assert.Equal(2, (await List(new PodSandboxFilter())).Count);
    }

    [RootFact]
    public async Task A_daemon_restart_keeps_a_running_pod_ready_and_a_pod_whose_pause_died_meanwhile_notready()
    {
        await using var scene = await PodScene.StartAsync();
        var survivor = await scene.RunAsync(scene.Config("lambda"));
        var victim = await scene.RunAsync(scene.Config("mu"));
        var survivorPause = ProcessIdentity.Find(await scene.PausePidAsync(survivor))!.Value;
        var victimPause = ProcessIdentity.Find(await scene.PausePidAsync(victim))!.Value;

        await scene.Daemon.StopAsync();
        Processes.Signal(victimPause.Pid, Signals.SIGKILL);
        Assert.True(Processes.WaitForExit(victimPause, TimeSpan.FromSeconds(5)));
        await scene.Daemon.StartAsync();

        Assert.True(survivorPause.IsAlive);
        Assert.Equal(PodSandboxState.SandboxReady, (await scene.StatusAsync(survivor)).Status.State);
        Assert.Equal(PodSandboxState.SandboxNotready, (await scene.StatusAsync(victim)).Status.State);
        Assert.Contains("is NOTREADY", scene.Daemon.Log);
        // The names survive the restart too, and the dead pod can still be removed cleanly.
        var error = await Assert.ThrowsAsync<RpcException>(() => scene.RunAsync(scene.Config("lambda")));
        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        await scene.RemoveAsync(victim);
        await scene.RemoveAsync(survivor);
        scene.AssertNothingLeft(survivor, survivorPause);
    }
}
