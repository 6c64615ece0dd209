using System.Globalization;
using CriShim.Helper.Container;
using CriShim.Native;
using CriShim.Contract;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Exec;

/// <summary>
/// Starts an exec's command in a running container, for <c>exec</c> and <c>exec-stream</c> alike: joins
/// the container's PID namespace on the main thread and spawns the next stage (<c>exec-init</c>) from
/// it, in a new session, before any mount namespace is joined (DESIGN.md); moves it into the
/// container's cgroup, lets it go and returns its pid once the command runs.
/// </summary>
internal static class ExecLaunch
{
    private static readonly TimeSpan InitTimeout = TimeSpan.FromSeconds(60);

    /// <summary><paramref name="stdio"/>: fd 0, 1, 2 of the command; the caller closes its copies afterwards.</summary>
    public static int Start(ExecSpec spec, string specFile, IReadOnlyDictionary<int, SafeFileHandle> stdio)
    {
        var container = new ProcessIdentity(spec.ContainerPid, spec.ContainerStartTime);
        if (!container.IsAlive)
        {
            throw new InitStageException(StartFailure.Setup, $"the container process {spec.ContainerPid} is not running");
        }
        var (parentEnd, childEnd) = Descriptors.CreateSocketPair();
        using var sync = parentEnd;
        int pid;
        using (childEnd)
        {
            try
            {
                Namespaces.JoinCurrentThread($"/proc/{spec.ContainerPid.ToString(CultureInfo.InvariantCulture)}/ns/pid", NamespaceKinds.Pid);
            }
            catch (ErrnoException e)
            {
                throw new InitStageException(StartFailure.Setup, "joining the container PID namespace: " + e.Message);
            }
            var self = Environment.ProcessPath!;
            using var image = InitStageImage.Create();
            pid = new ProcessSpawner
            {
                Path = InitStageImage.Path,
                Args = [self, "exec-init", specFile],
                Descriptors = new Dictionary<int, SafeFileHandle>(stdio)
                {
                    [InitSyncChannel.ChildDescriptor] = childEnd, [InitStageImage.ChildDescriptor] = image,
                },
                NewSession = true,
            }.Spawn();
            PidNamespaceForChildren.Restore();
        }
        try
        {
            CgroupMembership.Join(spec.CgroupProcsFiles, pid);
            InitSyncChannel.SendGo(sync);
            if (InitSyncChannel.ReadOutcome(sync, InitTimeout) is { } failure)
            {
                throw new InitStageException(failure.Failure, failure.Message);
            }
        }
        catch
        {
            Processes.Signal(pid, Signals.SIGKILL);
            ChildExit.Wait(pid);
            throw;
        }
        return pid;
    }
}
