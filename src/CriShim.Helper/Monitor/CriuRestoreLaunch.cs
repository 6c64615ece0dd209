using System.Globalization;
using CriShim.Contract;
using CriShim.Helper.Container;
using CriShim.Helper.Stdio;
using CriShim.Native;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Monitor;

/// <summary>
/// The monitor's start of a container created from a checkpoint (<see cref="CheckpointRestoreSpec"/>): on its main
/// thread, in a private copy of the host's mounts, it mounts the container's overlay and runs <c>criu restore</c>
/// there with the tree as the monitor's own children (<c>--restore-sibling</c>), so it waits for the restored init,
/// logs its output and records its exit as for any container. criu runs in the container's cgroup, so what it
/// forks lands there; it makes the dumped PID and mount namespaces anew (the mounts on this rootfs, the external ones
/// bound from the new container's sources), joins the new pod's network (and shared PID) namespace in place of the external ones of the dump, and its IPC and UTS namespaces, and gives back
/// the credentials, capabilities and seccomp filters the dumped processes had. The monitor's new pipes (and /dev/null)
/// take the places of the dumped stdio.
/// </summary>
internal static class CriuRestoreLaunch
{
    private const string LogFile = "restore.log";
    private const string PidFile = "restore.pid";
    private const int FirstInheritedDescriptor = 3;
    private const int NetworkDescriptor = 6;
    private const int PidDescriptor = 7;

    public static (ChildProcess Container, ContainerStartedRecord Started) Start(ContainerProcessSpec spec, CheckpointRestoreSpec restore, ProcessStdio stdio)
    {
        var criu = CriuExecutable.Find() ?? throw new InitStageException(StartFailure.Setup, "restoring a checkpoint needs criu: install criu");
        var work = Path.Combine(spec.StateDirectory, "restore");
        PrivateDirectory.Create(work);
        var pidFile = Path.Combine(work, PidFile);
        var args = new List<string>
        {
            criu, "restore", "--images-dir", restore.ImagesDirectory, "--work-dir", work, "--log-file", LogFile, "-v4",
            "--root", Path.GetFullPath(spec.Rootfs.MountPoint), "--restore-detached", "--restore-sibling",
            "--manage-cgroups=ignore", "--pidfile", pidFile,
        };
        foreach (var (kind, path) in new[] { ("ipc", spec.Namespaces.IpcPath), ("uts", spec.Namespaces.UtsPath) })
        {
            if (path is not null)
            {
                args.AddRange(["--join-ns", $"{kind}:{path}"]);
            }
        }
        foreach (var (point, source) in restore.ExternalMounts)
        {
            args.AddRange(["--external", $"mnt[{point}]:{source}"]);
        }
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.ReadWrite);
        var descriptors = new Dictionary<int, SafeFileHandle> { [0] = devNull, [1] = devNull, [2] = devNull };
        // The namespaces the dump declared external come back as descriptors of the new pod's.
        var podPid = spec.Namespaces.PidMode == PidNamespaceMode.Join ? spec.Namespaces.PidPath : null;
        using var network = spec.Namespaces.NetworkPath is { } netPath ? File.OpenHandle(netPath, FileMode.Open, FileAccess.Read) : null;
        using var pidNamespace = podPid is null ? null : File.OpenHandle(podPid, FileMode.Open, FileAccess.Read);
        foreach (var (fd, handle, key) in new[] { (NetworkDescriptor, network, CheckpointRestoreSpec.NetworkNamespaceKey), (PidDescriptor, pidNamespace, CheckpointRestoreSpec.PidNamespaceKey) })
        {
            if (handle is not null)
            {
                descriptors[fd] = handle;
                args.AddRange(["--inherit-fd", $"fd[{fd}]:{key}"]);
            }
        }
        for (var fd = 0; fd < restore.Descriptors.Count && fd < 3; fd++)
        {
            var key = restore.Descriptors[fd];
            if ((key.StartsWith("pipe:", StringComparison.Ordinal) || key.StartsWith("file[", StringComparison.Ordinal))
                && stdio.ChildDescriptors.TryGetValue(fd, out var end))
            {
                descriptors[FirstInheritedDescriptor + fd] = end;
                args.AddRange(["--inherit-fd", $"fd[{FirstInheritedDescriptor + fd}]:{restore.Descriptors[fd]}"]);
            }
        }

        int pid;
        using (InitStageRoot.Leave())
        {
            // Nothing mounted here may reach the host.
            ContainerMounts.SetPropagation("/", MountFlags.Slave | MountFlags.Recursive);
            MountRootfs(spec.Rootfs);
            CgroupMembership.Join(spec.Cgroups, Environment.ProcessId);
            try
            {
                using var criuProcess = new ProcessSpawner { Path = criu, Args = args, Descriptors = descriptors, WorkingDirectory = work }.Start();
                var exit = criuProcess.WaitForExit();
                if (exit.ExitCode != 0 || !File.Exists(pidFile))
                {
                    var log = Path.Combine(work, LogFile);
                    throw new InitStageException(StartFailure.Setup, "criu restore failed: " + CriuExecutable.Errors(File.Exists(log) ? File.ReadAllText(log) : "", exit.ExitCode));
                }
            }
            finally
            {
                CgroupMembership.Join(spec.MonitorCgroups, Environment.ProcessId);
            }
            pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        }
        stdio.CloseChildEnds();
        // --restore-sibling made the restored init the monitor's own child.
        var container = ChildProcess.Adopt(pid);
        var identity = ProcessIdentity.Find(pid) ?? throw new InitStageException(StartFailure.Internal, "the restored container died at once");
        int? oomScoreAdj = spec.OomScoreAdj is { } wanted ? OomScore.Apply(pid, wanted) : null;
        var monitor = ProcessIdentity.Find(Environment.ProcessId)!.Value;
        return (container, new ContainerStartedRecord
        {
            Pid = pid, StartTime = identity.StartTime, MonitorPid = monitor.Pid, MonitorStartTime = monitor.StartTime,
            StartedAt = CriTimestamp.Now(), OomScoreAdj = oomScoreAdj,
        });
    }

    private static void MountRootfs(ContainerRootfs rootfs)
    {
        try
        {
            RootfsSetup.MountOverlay(rootfs, Path.GetFullPath(rootfs.MountPoint));
        }
        catch (ErrnoException e)
        {
            throw new InitStageException(StartFailure.Setup, "mounting the restored container's rootfs: " + e.Message);
        }
    }
}
