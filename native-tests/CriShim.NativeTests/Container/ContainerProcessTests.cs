using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Container;

/// <summary>What the container's process sees: namespaces, identity, capabilities, file system rules, limits.</summary>
[Collection("containers")]
public sealed class ContainerProcessTests(ContainerImagesFixture images)
{
    private const string Sleep = "sleep";

    [RootFact]
    public async Task Two_containers_of_a_pod_share_localhost_and_dev_shm()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        await using var net = await TestCniNetwork.CreateAsync(scene.Daemon.CniConfDir, scene.Daemon.WorkDir, "crishimctr", "crishimctr0", "10.99.31.0/24", withLoopback: true);
        var (pod, podConfig) = await scene.PodAsync("share", network: NamespaceMode.Pod);
        var server = await scene.RunAsync(pod, podConfig, scene.Config("server", "sh", "-c", "echo shared > /dev/shm/token; nc -l -p 7777 -e echo hello-from-server"));
        var client = await scene.RunAsync(pod, podConfig, scene.Config("client", Sleep, "1000"));
        await Task.Delay(500);

        var hostname = await scene.ExecAsync(server, 10, "hostname");
        var shm = await scene.ExecAsync(client, 10, "cat", "/dev/shm/token");
        // The server answers one connection and exits, so this comes last.
        var tcp = await scene.ExecAsync(client, 10, "sh", "-c", "nc 127.0.0.1 7777 </dev/null");

        Assert.Equal("share-host", hostname.Stdout.Trim());
        Assert.Equal("shared\n", shm.Stdout);
        Assert.Contains("hello-from-server", tcp.Stdout);
    }

    [RootFact]
    public async Task Pid_1_is_the_command_in_container_mode_and_pause_in_pod_mode()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (own, ownConfig) = await scene.PodAsync("pidown", pid: NamespaceMode.Container);
        var ownConfigC = scene.Config("own", Sleep, "1000");
        ownConfigC.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Container };
        var alone = await scene.RunAsync(own, ownConfig, ownConfigC);

        var (shared, sharedConfig) = await scene.PodAsync("pidshared", pid: NamespaceMode.Pod);
        var sharedC = scene.Config("shared", Sleep, "1000");
        sharedC.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Pod };
        var together = await scene.RunAsync(shared, sharedConfig, sharedC);

        Assert.Equal($"{Sleep}\01000\0", (await scene.ExecAsync(alone, 10, "cat", "/proc/1/cmdline")).Stdout);
        Assert.Contains("pause", (await scene.ExecAsync(together, 10, "cat", "/proc/1/cmdline")).Stdout);
    }

    [RootFact]
    public async Task User_groups_and_capabilities_come_from_the_security_context()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("ids");
        var config = scene.Config("ids", Sleep, "1000");
        var security = config.Linux.SecurityContext;
        security.RunAsUser = new Int64Value { Value = 1000 };
        security.RunAsGroup = new Int64Value { Value = 2000 };
        security.SupplementalGroups.Add(3000);
        security.Capabilities = new Capability { AddCapabilities = { "NET_ADMIN" }, DropCapabilities = { "ALL" } };
        var id = await scene.RunAsync(pod, podConfig, config);

        var status = (await scene.ExecAsync(id, 10, "cat", "/proc/self/status")).Stdout;
        string Field(string name) => status.Split('\n').First(l => l.StartsWith(name + ":", StringComparison.Ordinal)).Split(':', 2)[1].Trim();

        Assert.StartsWith("1000\t1000\t1000", Field("Uid"));
        Assert.StartsWith("2000\t2000\t2000", Field("Gid"));
        Assert.Equal(["2000", "3000"], Field("Groups").Split(' ', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.Equal(1UL << 12, Convert.ToUInt64(Field("CapBnd"), 16));
        Assert.Equal(0UL, Convert.ToUInt64(Field("CapEff"), 16)); // a non-root user keeps none after execve

        var containerUser = (await scene.StatusAsync(id)).User.Linux;
        Assert.Equal((1000L, 2000L), (containerUser.Uid, containerUser.Gid));
    }

    [RootFact]
    public async Task Root_gets_the_default_capabilities_and_masked_and_readonly_paths()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("masks");
        var config = scene.Config("masks", Sleep, "1000");
        config.Linux.SecurityContext.ReadonlyRootfs = true;
        var id = await scene.RunAsync(pod, podConfig, config);

        var status = (await scene.ExecAsync(id, 10, "cat", "/proc/self/status")).Stdout;
        var capEff = Convert.ToUInt64(status.Split('\n').First(l => l.StartsWith("CapEff:", StringComparison.Ordinal)).Split(':')[1].Trim(), 16);
        Assert.Equal(0xa80425fbUL, capEff); // containerd's default set

        Assert.Equal("", (await scene.ExecAsync(id, 10, "cat", "/proc/kcore")).Stdout);
        var sys = await scene.ExecAsync(id, 10, "sh", "-c", "echo 1 > /proc/sys/kernel/domainname");
        Assert.NotEqual(0, sys.ExitCode);
        var rootfs = await scene.ExecAsync(id, 10, "touch", "/newfile");
        Assert.NotEqual(0, rootfs.ExitCode);
        Assert.Contains("Read-only", rootfs.Stderr);
        Assert.Equal(0, (await scene.ExecAsync(id, 10, "touch", "/dev/shm/ok")).ExitCode);
    }

    [RootFact]
    public async Task Volumes_honour_readonly_and_each_propagation()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("vols", privileged: true);
        var host = Path.Combine(scene.Daemon.WorkDir, "volumes");
        foreach (var name in new[] { "private", "slave", "shared", "ro" })
        {
            Directory.CreateDirectory(Path.Combine(host, name, "sub"));
        }
        await File.WriteAllTextAsync(Path.Combine(host, "ro", "file"), "data");
        var config = scene.Config("vols", Sleep, "1000");
        config.Linux.SecurityContext.Privileged = true;
        config.Mounts.Add(new Mount { HostPath = Path.Combine(host, "private"), ContainerPath = "/private" });
        config.Mounts.Add(new Mount { HostPath = Path.Combine(host, "slave"), ContainerPath = "/slave", Propagation = MountPropagation.PropagationHostToContainer });
        config.Mounts.Add(new Mount { HostPath = Path.Combine(host, "shared"), ContainerPath = "/shared", Propagation = MountPropagation.PropagationBidirectional });
        config.Mounts.Add(new Mount { HostPath = Path.Combine(host, "ro"), ContainerPath = "/ro", Readonly = true });
        config.Mounts.Add(new Mount { HostPath = Path.Combine(host, "created", "on", "demand"), ContainerPath = "/created" });
        var id = await scene.RunAsync(pod, podConfig, config);
        try
        {
            foreach (var name in new[] { "private", "slave" })
            {
                await Shell.Run("mount", "-t", "tmpfs", "-o", "size=1m", "host-" + name, Path.Combine(host, name, "sub"));
            }
            var seen = (await scene.ExecAsync(id, 10, "cat", "/proc/self/mountinfo")).Stdout;
            Assert.DoesNotContain("host-private", seen);
            Assert.Contains("host-slave", seen);
            Assert.Equal(0, (await scene.ExecAsync(id, 10, "mount", "-t", "tmpfs", "-o", "size=1m", "from-container", "/shared/sub")).ExitCode);
            Assert.Contains(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains("from-container", StringComparison.Ordinal));

            Assert.Equal("data", (await scene.ExecAsync(id, 10, "cat", "/ro/file")).Stdout);
            Assert.NotEqual(0, (await scene.ExecAsync(id, 10, "touch", "/ro/x")).ExitCode);
            Assert.True(Directory.Exists(Path.Combine(host, "created", "on", "demand")));
        }
        finally
        {
            await scene.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
            // Also the shared binds crishim made of the propagating volumes' host paths.
            foreach (var name in new[] { "private", "slave", "shared" })
            {
                await Shell.Run("sh", "-c", $"umount -R -l {Path.Combine(host, name, "sub")} 2>/dev/null; umount -R -l {Path.Combine(host, name)} 2>/dev/null; true");
            }
            Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(host, StringComparison.Ordinal));
        }
    }

    [RootFact]
    public async Task A_memory_hog_is_oom_killed_and_cpu_quota_lands_in_the_cgroup_and_can_be_updated()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("limits");
        var hog = scene.Config("hog", "sh", "-c", "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived");
        hog.Linux.Resources.MemoryLimitInBytes = 32 << 20;
        var cpu = scene.Config("cpu", Sleep, "1000");
        cpu.Linux.Resources.CpuPeriod = 100000;
        cpu.Linux.Resources.CpuQuota = 50000;

        var hogId = await scene.RunAsync(pod, podConfig, hog);
        var cpuId = await scene.RunAsync(pod, podConfig, cpu);

        var exited = await scene.WaitExitedAsync(hogId, 60);
        Assert.Equal("OOMKilled", exited.Reason);
        Assert.Equal(137, exited.ExitCode);

        var cgroup = (await scene.InfoAsync(cpuId)).GetProperty("cgroupPath").GetString()!;
        var quotaFile = File.Exists("/sys/fs/cgroup/cpu.max") ? $"/sys/fs/cgroup{cgroup}/cpu.max" : $"/sys/fs/cgroup/cpu{cgroup}/cpu.cfs_quota_us";
        Assert.StartsWith("50000", File.ReadAllText(quotaFile));
        await scene.Runtime.UpdateContainerResourcesAsync(new UpdateContainerResourcesRequest
        {
            ContainerId = cpuId,
            Linux = new LinuxContainerResources { CpuPeriod = 100000, CpuQuota = 20000 },
        });
        Assert.StartsWith("20000", File.ReadAllText(quotaFile));
        Assert.Equal(20000, (await scene.StatusAsync(cpuId)).Resources.Linux.CpuQuota);
    }

    [RootFact]
    public async Task Logs_are_byte_exact_with_long_lines_split_into_partial_records()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("logs");
        var id = await scene.RunAsync(pod, podConfig, scene.Config("logs", "sh", "-c",
            "head -c 40000 /dev/zero | tr '\\0' x; echo; printf 'tab\\there\\n'; printf 'no newline'"));

        var status = await scene.WaitExitedAsync(id);
        var raw = await File.ReadAllLinesAsync(status.LogPath);

        Assert.Contains(raw, l => l.Split(' ')[2] == "P");
        Assert.All(raw, l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d\d:\d\d) (stdout|stderr) [PF] ", l));
        Assert.Equal(new string('x', 40000) + "\ntab\there\nno newline", ContainerScene.LogContent(status.LogPath).TrimEnd('\n'));
    }

    [RootFact]
    public async Task Reopen_container_log_starts_a_new_file_after_the_kubelet_rotated_the_old_one()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("rotate");
        var id = await scene.RunAsync(pod, podConfig, scene.Config("rotate", "sh", "-c", "i=0; while true; do echo line-$i; i=$((i+1)); sleep 0.1; done"));
        var log = (await scene.StatusAsync(id)).LogPath;
        await Task.Delay(500);

        File.Move(log, log + ".1");
        await scene.Runtime.ReopenContainerLogAsync(new ReopenContainerLogRequest { ContainerId = id });
        await Task.Delay(500);

        var before = ContainerScene.LogContent(log + ".1").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var after = ContainerScene.LogContent(log).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(before);
        Assert.NotEmpty(after);
        Assert.Equal(int.Parse(before[^1]["line-".Length..]) + 1, int.Parse(after[0]["line-".Length..]));

        await scene.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 0 });
        var exited = await Assert.ThrowsAsync<RpcException>(async () =>
            await scene.Runtime.ReopenContainerLogAsync(new ReopenContainerLogRequest { ContainerId = id }));
        Assert.Equal(StatusCode.FailedPrecondition, exited.StatusCode);
    }

    [RootFact]
    public async Task Oom_score_adj_below_the_daemons_own_is_clamped_shown_and_logged_once()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("oomscore");
        var daemonScore = int.Parse(File.ReadAllText($"/proc/{scene.Daemon.Pid}/oom_score_adj").Trim());
        var ids = new List<string>();
        foreach (var (name, wanted) in new[] { ("low1", -999L), ("low2", -998L), ("high", 500L) })
        {
            var config = scene.Config(name, Sleep, "1000");
            config.Linux.Resources.OomScoreAdj = wanted;
            ids.Add(await scene.RunAsync(pod, podConfig, config));
        }

        foreach (var (id, expected) in ids.Zip(new[] { Math.Max(-999, daemonScore), Math.Max(-998, daemonScore), 500 }))
        {
            var info = await scene.InfoAsync(id);
            Assert.Equal(expected, info.GetProperty("oomScoreAdj").GetInt32());
            Assert.Equal(expected.ToString(), File.ReadAllText($"/proc/{info.GetProperty("pid").GetInt32()}/oom_score_adj").Trim());
        }
        if (daemonScore > -999)
        {
            Assert.Single(scene.Daemon.Log.Split('\n'), l => l.Contains("was raised to", StringComparison.Ordinal));
        }
    }

    [RootFact]
    public async Task Exec_sync_returns_output_and_exit_code_and_a_timeout_is_deadline_exceeded()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("exec");
        var id = await scene.RunAsync(pod, podConfig, scene.Config("exec", Sleep, "1000"));

        var result = await scene.ExecAsync(id, 10, "sh", "-c", "echo out; echo err >&2; exit 7");
        Assert.Equal((7, "out\n", "err\n"), result);

        var started = DateTime.UtcNow;
        var timeout = await Assert.ThrowsAsync<RpcException>(() => scene.ExecAsync(id, 1, Sleep, "30"));
        Assert.Equal(StatusCode.DeadlineExceeded, timeout.StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15));
        // Whole lines: other tests' containers may run "sleep 300" at the same time.
        Assert.DoesNotContain("sleep 30", (await Shell.Run("ps", "-eo", "args")).Split('\n').Select(l => l.Trim()));

        var created = await scene.CreateAsync(pod, podConfig, scene.Config("notyet", Sleep, "1"));
        var notRunning = await Assert.ThrowsAsync<RpcException>(() => scene.ExecAsync(created, 10, "true"));
        Assert.Equal(StatusCode.FailedPrecondition, notRunning.StatusCode);
    }
}
