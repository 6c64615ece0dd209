using CriShim.Contract;
using CriShim.NativeTests.Infrastructure;
using static CriShim.NativeTests.ContainerProcess.ContainerProcessScene;

namespace CriShim.NativeTests.ContainerProcess;

/// <summary>container-start run directly: namespaces, the overlay root and the mounts the container sees.</summary>
[Collection("container-process")]
public sealed class ContainerNamespaceAndMountTests
{
    [RootFact]
    public async Task New_pid_mode_makes_the_command_pid_1_and_shares_the_pods_net_ipc_uts()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var output = await OutputOfAsync(scene.Spec("sh", "-c",
            "echo $$; hostname; for n in net ipc uts pid; do readlink /proc/self/ns/$n; done"));

        var lines = output.Split('\n');
        Assert.Equal("1", lines[0]);
        Assert.Equal(PodHostname, lines[1]);
        Assert.Equal(ReadlinkNamespace(scene.HolderPid, "net"), lines[2]);
        Assert.Equal(ReadlinkNamespace(scene.HolderPid, "ipc"), lines[3]);
        Assert.Equal(ReadlinkNamespace(scene.HolderPid, "uts"), lines[4]);
        Assert.NotEqual(ReadlinkNamespace(scene.HolderPid, "pid"), lines[5]);
    }

    [RootFact]
    public async Task Join_pid_mode_enters_the_pods_pid_namespace()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("sh", "-c", "echo $$; readlink /proc/self/ns/pid; cat /proc/1/comm");
        spec.Namespaces.PidMode = PidNamespaceMode.Join;
        spec.Namespaces.PidPath = $"/proc/{scene.HolderPid}/ns/pid";

        var lines = (await OutputOfAsync(spec)).Split('\n');

        Assert.NotEqual("1", lines[0]);
        Assert.Equal(ReadlinkNamespace(scene.HolderPid, "pid"), lines[1]);
        Assert.Equal("sleep", lines[2]);
    }

    [RootFact]
    public async Task Writes_land_in_the_upper_dir_and_leave_the_layers_alone()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("sh", "-c", "echo written > /etc/new-file; rm /bin/true; cat /etc/new-file");

        Assert.Equal("written", await OutputOfAsync(spec));

        Assert.Equal("written\n", File.ReadAllText(Path.Combine(spec.Rootfs.UpperDirectory, "etc", "new-file")));
        Assert.False(File.Exists(Path.Combine(scene.Lower, "etc", "new-file")));
        Assert.NotNull(new FileInfo(Path.Combine(scene.Lower, "bin", "true")).LinkTarget);
        Assert.Empty(HostMountsUnder(scene.Root));
    }

    [RootFact]
    public async Task Readonly_rootfs_refuses_writes_but_keeps_dev_and_shm_writable()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("sh", "-c", "touch /etc/x 2>&1; echo ok > /dev/shm/y && cat /dev/shm/y");
        spec.Rootfs.Readonly = true;

        var output = await OutputOfAsync(spec);

        Assert.Contains("Read-only file system", output);
        Assert.EndsWith("ok", output);
        Assert.False(File.Exists(Path.Combine(spec.Rootfs.UpperDirectory, "etc", "x")));
    }

    [RootFact]
    public async Task Standard_mounts_and_sandbox_files_are_in_place()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        File.WriteAllText(Path.Combine(scene.Root, "shm", "from-pod"), "pod-shm");
        var spec = scene.Spec("sh", "-c",
            "cat /proc/self/mountinfo; echo ==; cat /etc/hosts /etc/resolv.conf /etc/hostname /dev/shm/from-pod; echo; echo ==; " +
            "stat -c '%n %F %t:%T %a' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty; readlink /dev/ptmx; readlink /dev/fd; " +
            "touch /sys/kernel/uevent_helper 2>&1; ls /sys/fs/cgroup/memory/cgroup.procs");

        var sections = (await OutputOfAsync(spec)).Split("==\n");
        var mounts = sections[0].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).ToDictionary(f => f[4], f => (Options: f[5], Type: f[Array.IndexOf(f, "-") + 1]));

        Assert.Equal("proc", mounts["/proc"].Type);
        Assert.Equal("tmpfs", mounts["/dev"].Type);
        Assert.Equal("devpts", mounts["/dev/pts"].Type);
        Assert.Equal("mqueue", mounts["/dev/mqueue"].Type);
        Assert.Equal("sysfs", mounts["/sys"].Type);
        Assert.StartsWith("ro,", mounts["/sys"].Options);
        Assert.StartsWith("ro,", mounts["/sys/fs/cgroup"].Options);
        Assert.StartsWith("ro,", mounts["/sys/fs/cgroup/memory"].Options);
        Assert.Equal("overlay", mounts["/"].Type);
        Assert.Contains("/dev/shm", mounts.Keys);
        Assert.Equal(File.ReadAllText(Path.Combine(scene.Root, "hosts")) + "nameserver 10.99.40.1\n" + PodHostname + "\npod-shm\n", sections[1]);
        Assert.Contains("/dev/null character special file 1:3 666", sections[2]);
        Assert.Contains("/dev/urandom character special file 1:9 666", sections[2]);
        Assert.Contains("/dev/tty character special file 5:0 666", sections[2]);
        Assert.Contains("pts/ptmx\n/proc/self/fd", sections[2]);
        Assert.Contains("Read-only file system", sections[2]);
        Assert.EndsWith("/sys/fs/cgroup/memory/cgroup.procs", sections[2]);
    }

    [RootFact]
    public async Task Privileged_gets_a_writable_sys_and_the_host_devices()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var hostDevice = Directory.GetFiles("/dev").First(d =>
            Native.FileSystem.KindOf(d) == Native.UnixFileKind.CharacterDevice && Path.GetFileName(d) is not ("null" or "zero" or "full" or "random" or "urandom" or "tty" or "ptmx"));
        var spec = scene.Spec("sh", "-c", $"grep ' /sys ' /proc/self/mountinfo | cut -d' ' -f6; ls {hostDevice}");
        spec.Privileged = true;

        var lines = (await OutputOfAsync(spec)).Split('\n');

        Assert.StartsWith("rw,", lines[0]);
        Assert.Equal(hostDevice, lines[1]);
    }

    [RootFact]
    public async Task Devices_are_recreated_in_the_container()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("stat", "-c", "%F %t:%T", "/dev/my-null");
        spec.Devices = [new ContainerDevice { ContainerPath = "/dev/my-null", HostPath = "/dev/null" }];

        Assert.Equal("character special file 1:3", await OutputOfAsync(spec));
    }

    [RootFact]
    public async Task Volumes_are_bound_read_write_or_read_only_files_and_directories()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var rw = Directory.CreateDirectory(Path.Combine(scene.Root, "vol-rw")).FullName;
        var ro = Directory.CreateDirectory(Path.Combine(scene.Root, "vol-ro")).FullName;
        var file = Path.Combine(scene.Root, "config.txt");
        File.WriteAllText(file, "config-content");
        var spec = scene.Spec("sh", "-c", "echo hello > /data/rw/out; touch /data/ro/out 2>&1; cat /etc/app/config.txt");
        spec.Mounts =
        [
            new ContainerMount { ContainerPath = "/data/rw", HostPath = rw },
            new ContainerMount { ContainerPath = "/data/ro", HostPath = ro, Readonly = true },
            new ContainerMount { ContainerPath = "/etc/app/config.txt", HostPath = file, Readonly = true },
        ];

        var output = await OutputOfAsync(spec);

        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(rw, "out")));
        Assert.False(File.Exists(Path.Combine(ro, "out")));
        Assert.Contains("Read-only file system", output);
        Assert.EndsWith("config-content", output);
    }

    [RootFact]
    public async Task Host_to_container_volumes_see_mounts_made_on_the_host()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var slave = Directory.CreateDirectory(Path.Combine(scene.Root, "slave")).FullName;
        var spec = scene.Spec("sleep", "1000");
        spec.Mounts = [new ContainerMount { ContainerPath = "/slave", HostPath = slave, Propagation = MountPropagation.HostToContainer }];
        var started = await StartAsync(spec);
        Assert.Null(started.Error);
        try
        {
            Directory.CreateDirectory(Path.Combine(slave, "from-host"));
            await Shell.Run("mount", "-t", "tmpfs", "hostfs", Path.Combine(slave, "from-host"));
            File.WriteAllText(Path.Combine(slave, "from-host", "marker"), "host-mounted");

            var exec = await ExecAsync(spec, started, spec.Process with { Args = ["cat", "/slave/from-host/marker"] });

            Assert.Equal("host-mounted", System.Text.Encoding.UTF8.GetString(exec.Stdout));
        }
        finally
        {
            // The host side was not on a shared mount, so the monitor made it a shared bind of itself.
            await Shell.Run("sh", "-c", $"umount -R -l {slave}; true");
        }
    }

    [RootFact]
    public async Task Bidirectional_volumes_propagate_mounts_to_the_host()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var shared = Directory.CreateDirectory(Path.Combine(scene.Root, "shared")).FullName;
        var spec = scene.Spec("sleep", "1000");
        spec.Process.Capabilities = [.. DefaultCapabilities, "CAP_SYS_ADMIN"];
        spec.Mounts = [new ContainerMount { ContainerPath = "/shared", HostPath = shared, Propagation = MountPropagation.Bidirectional }];
        var started = await StartAsync(spec);
        Assert.Null(started.Error);
        try
        {
            Directory.CreateDirectory(Path.Combine(shared, "from-container"));
            var exec = await ExecAsync(spec, started, spec.Process with { Args = ["sh", "-c", "mount -t tmpfs ctrfs /shared/from-container && echo c > /shared/from-container/marker"] });

            Assert.Equal(0, exec.ExitCode);
            Assert.Equal("c\n", File.ReadAllText(Path.Combine(shared, "from-container", "marker")));
        }
        finally
        {
            await Shell.Run("sh", "-c", $"umount -R -l {shared}; true");
        }
    }

    /// <summary>
    /// As on a systemd host, where "/" is shared: the volume's source sits on the same shared mount as the
    /// container's root, which the container makes private before mounting the overlay on it.
    /// </summary>
    [RootFact]
    public async Task Bidirectional_volumes_on_the_shared_mount_that_holds_the_root_propagate_mounts_to_the_host()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        await Shell.Run("mount", "--bind", scene.Root, scene.Root);
        try
        {
            await Shell.Run("mount", "--make-shared", scene.Root);
            var shared = Directory.CreateDirectory(Path.Combine(scene.Root, "shared", "from-container")).Parent!.FullName;
            var spec = scene.Spec("sleep", "1000");
            spec.Process.Capabilities = [.. DefaultCapabilities, "CAP_SYS_ADMIN"];
            spec.Mounts = [new ContainerMount { ContainerPath = "/shared", HostPath = shared, Propagation = MountPropagation.Bidirectional }];
            var started = await StartAsync(spec);
            Assert.Null(started.Error);

            var exec = await ExecAsync(spec, started, spec.Process with { Args = ["sh", "-c", "mount -t tmpfs ctrfs /shared/from-container && echo c > /shared/from-container/marker"] });

            Assert.Equal(0, exec.ExitCode);
            Assert.Equal("c\n", File.ReadAllText(Path.Combine(shared, "from-container", "marker")));
            Assert.Empty(HostMountsUnder(spec.Rootfs.MountPoint));
        }
        finally
        {
            await Shell.Run("sh", "-c", $"umount -R -l {scene.Root}; true");
        }
    }

    [RootFact]
    public async Task Masked_and_readonly_paths_are_enforced()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        Directory.CreateDirectory(Path.Combine(scene.Lower, "secret"));
        File.WriteAllText(Path.Combine(scene.Lower, "secret", "key"), "hidden");
        File.WriteAllText(Path.Combine(scene.Lower, "masked-file"), "hidden");
        Directory.CreateDirectory(Path.Combine(scene.Lower, "frozen"));
        var spec = scene.Spec("sh", "-c", "wc -c < /masked-file; ls /secret | wc -l; touch /frozen/x 2>&1; touch /proc/sys/kernel/ns_last_pid 2>&1; true");
        spec.MaskedPaths = ["/proc/kcore", "/masked-file", "/secret", "/does/not/exist"];
        spec.ReadonlyPaths = ["/frozen", "/proc/sys"];

        var lines = (await OutputOfAsync(spec)).Split('\n');

        Assert.Equal("0", lines[0].Trim());
        Assert.Equal("0", lines[1].Trim());
        Assert.Contains("Read-only file system", lines[2]);
        Assert.Contains("Read-only file system", lines[3]);
    }

    [RootFact]
    public async Task Missing_command_fails_the_start_with_a_clear_error_and_leaves_nothing()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("no-such-command", "arg");

        var result = await StartAsync(spec);
        var exit = await WaitForExitAsync(spec);

        Assert.Equal(StartFailure.ExecutableNotFound, result.Failure);
        Assert.Equal("exec: \"no-such-command\": executable file not found in $PATH", result.Error);
        Assert.Equal(result.Error, exit.StartError);
        Assert.Equal(127, exit.ExitCode);
        Assert.Empty(File.ReadAllLines(scene.CgroupProcsFile("memory")));
        Assert.Empty(HostMountsUnder(scene.Root));
        // The monitor reports, then exits: give it a moment, then no helper process of this spec may be left.
        for (var i = 0; i < 100 && HelperProcessesOf(spec).Any(); i++)
        {
            await Task.Delay(20);
        }
        Assert.Empty(HelperProcessesOf(spec));
    }

    private static IEnumerable<string> HelperProcessesOf(ContainerProcessSpec spec) =>
        Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)).Where(d =>
        {
            try
            {
                return File.ReadAllText(d + "/cmdline").Contains(SpecFile(spec));
            }
            catch (IOException)
            {
                return false;
            }
        }).ToList();

    [RootFact]
    public async Task Unexecutable_file_bad_mount_and_bad_spec_are_typed_errors()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        File.WriteAllText(Path.Combine(scene.Lower, "not-executable"), "#!/bin/sh\n");
        var badMount = scene.Spec("true");
        badMount.Mounts = [new ContainerMount { ContainerPath = "/x", HostPath = Path.Combine(scene.Root, "missing") }];
        var badCapability = scene.Spec("true");
        badCapability.Process.Capabilities = ["CAP_FLY"];

        var permission = await StartAsync(scene.Spec("/not-executable"));
        var mount = await StartAsync(badMount);
        var capability = await StartAsync(badCapability);

        Assert.Equal(StartFailure.PermissionDenied, permission.Failure);
        Assert.Equal("exec: \"/not-executable\": permission denied", permission.Error);
        Assert.Equal(StartFailure.Setup, mount.Failure);
        Assert.Contains("missing", mount.Error);
        Assert.Equal(StartFailure.InvalidSpec, capability.Failure);
        Assert.Contains("CAP_FLY", capability.Error);
        Assert.Empty(File.ReadAllLines(scene.CgroupProcsFile("memory")));
    }
}

[CollectionDefinition("container-process")]
public sealed class ContainerProcessCollection;
