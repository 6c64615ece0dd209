using System.Globalization;
using CriShim.Helper.Container;
using CriShim.Native;
using CriShim.Contract;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Exec;

/// <summary>
/// Starts an exec's command in a running container, for <c>exec</c> and <c>exec-stream</c> alike. On the main
/// thread it opens the container's namespaces, enters a stage root (<see cref="InitStageRoot"/>), joins the
/// container's PID namespace and spawns the next stage (<c>exec-init</c>) in a new session, handing it the
/// namespaces to join; so the stage is never in the container's PID namespace with a host mount in view. It
/// moves the stage into the container's cgroup, lets it go (<see cref="InitStageLaunch"/>) and returns its owner once
/// the command runs.
/// </summary>
internal static class ExecLaunch
{
    /// <summary>Any directory serves as the stage root's mount point in the private mount namespace.</summary>
    private const string StageMountPoint = "/tmp";

    /// <summary><paramref name="stdio"/>: fd 0, 1, 2 of the command; the caller closes its copies afterwards.</summary>
    public static ChildProcess Start(ExecSpec spec, string specFile, IReadOnlyDictionary<int, SafeFileHandle> stdio)
    {
        var container = new ProcessIdentity(spec.ContainerPid, spec.ContainerStartTime);
        if (!container.IsAlive)
        {
            throw new InitStageException(StartFailure.Setup, $"the container process {spec.ContainerPid} is not running");
        }
        return InitStageLaunch.Start(stdio, descriptors => Spawn(spec, specFile, descriptors),
            stage => CgroupMembership.Join(spec.Cgroups, stage.Pid));
    }

    private static int Spawn(ExecSpec spec, string specFile, IReadOnlyDictionary<int, SafeFileHandle> stdio)
    {
        var ns = $"/proc/{spec.ContainerPid.ToString(CultureInfo.InvariantCulture)}/ns/";
        var namespaces = new List<SafeFileHandle>();
        try
        {
            SafeFileHandle pidNamespace;
            SafeFileHandle? userNamespace;
            var descriptors = new Dictionary<int, SafeFileHandle>(stdio);
            try
            {
                pidNamespace = Open(ns + "pid");
                foreach (var (kind, descriptor) in ExecInitMode.NamespaceDescriptors)
                {
                    descriptors[descriptor] = Open(ns + kind.ProcFileName());
                }
                // A container in the pod's user namespace: exec-init enters it through ContainerUserNamespaceStage.
                userNamespace = Namespaces.AreSame(ns + "user", "/proc/self/ns/user") ? null : Open(ns + "user");
            }
            catch (ErrnoException e)
            {
                throw new InitStageException(StartFailure.Setup, "opening the container's namespaces: " + e.Message);
            }
            // Facts that decide what the command may do come from the host's view, before the container's is joined.
            var lastCapability = ThreadCapabilities.ReadLastCapability();
            using var stage = InitStageRoot.Leave();
            ContainerMounts.SetPropagation("/", MountFlags.Private | MountFlags.Recursive);
            var contents = InitStageRoot.OpenContents(specFile, spec.StageFiles);
            InitStageRoot.Mount(StageMountPoint);
            InitStageRoot.Populate(StageMountPoint, contents);
            InitStageRoot.Enter(StageMountPoint);
            return stage.Spawn(() => Namespaces.JoinCurrentThread(pidNamespace, NamespaceKinds.Pid), "exec-init", lastCapability, descriptors, userNamespace);
        }
        catch (ErrnoException e)
        {
            throw new InitStageException(StartFailure.Setup, "starting the exec's init stage: " + e.Message);
        }
        finally
        {
            namespaces.ForEach(h => h.Dispose());
        }

        SafeFileHandle Open(string path)
        {
            var handle = Namespaces.Open(path);
            namespaces.Add(handle);
            return handle;
        }
    }
}
