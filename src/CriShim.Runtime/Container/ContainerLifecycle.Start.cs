using CriShim.Contract;
using CriShim.Protocol.V1;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Sandbox;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerLifecycle
{
    /// <summary>
    /// Starts a CREATED container through the runtime helper, which leaves a monitor as the
    /// container's parent and returns once the command runs. A failed start leaves the container
    /// EXITED with reason StartError, as containerd does.
    /// </summary>
    public async Task StartAsync(string idOrPrefix)
    {
        var steps = new StepTimings(log, "StartContainer");
        var found = Store.Get(idOrPrefix);
        using var held = await containers.LockAsync(found.Id, CancellationToken.None);
        var container = containers.Refresh(Store.Get(found.Id));
        if (!container.Status.State.CanStart())
        {
            throw new FailedPreconditionException(
                $"container {container.Id} is {container.Status.State.Describe()}; only a created container can be started (create a new one to run it again)");
        }
        if (containers.Pods.Find(container.Record.SandboxId) is not { State: PodSandboxLifecycle.Ready } sandbox)
        {
            throw new FailedPreconditionException($"pod sandbox {container.Record.SandboxId} of container {container.Id} is not ready");
        }
        if (container.Record.LogPath.Length > 0)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(container.Record.LogPath)!);
        }
        var state = containers.StateOf(container.Id);
        Directory.CreateDirectory(state.Path);
        FaultPoint.Reach("start-container.start");
        steps.Step("check and directories");

        ContainerStartResult result;
        try
        {
            result = await runtime.StartAsync(sandbox.RuntimeHandler, container.Record.SpecFile);
        }
        catch (Exception e) when (e is IOException or TimeoutException)
        {
            // Whether anything runs is unknown: Stop and Remove kill the cgroup either way.
            Store.Update(container.Id, s => s with { State = ContainerState.ContainerUnknown, Message = e.Message });
            throw;
        }
        FaultPoint.Reach("start-container.after-helper");
        steps.Step("container-start, monitor and init");
        if (result.Error is { } error)
        {
            containers.UpdateState(container, s => ContainerStateObservation.StartFailed(s, error));
            throw result.Failure switch
            {
                StartFailure.InvalidSpec => new InvalidArgumentException($"container {container.Id} cannot start: {error}"),
                StartFailure.ExecutableNotFound or StartFailure.PermissionDenied =>
                    new FailedPreconditionException($"container {container.Id} cannot start: {error}"),
                _ => new IOException($"container {container.Id} failed to start: {error}"),
            };
        }
        // A status read during the start may have seen started.json (and even exit.json) first: never step back.
        var running = containers.UpdateState(container, s => s.State.CanStart()
            ? ContainerStateObservation.Running(s, result.Pid, result.StartTime, result.MonitorPid, result.MonitorStartTime, result.StartedAt, result.OomScoreAdj)
            : s);
        steps.Step("record running");
        steps.Log(container.Id);
        log.LogInformation("container {Id} started: pid {Pid}, monitor {Monitor}, oom_score_adj {OomScoreAdj}",
            container.Id, result.Pid, result.MonitorPid, running?.EffectiveOomScoreAdj);
        WarnOnceIfOomScoreAdjClamped(container, result.OomScoreAdj);
    }

    /// <summary>
    /// Without CAP_SYS_RESOURCE no process may go below the daemon's own oom_score_adj, so the monitor
    /// clamps it (containerd's restrict_oom_score_adj). Said once per daemon run, not per container.
    /// </summary>
    private void WarnOnceIfOomScoreAdjClamped(StoredContainer container, int? effective)
    {
        if (effective is not { } actual || container.Status.ResourcesJson.Length == 0 || Volatile.Read(ref _oomClampReported))
        {
            return;
        }
        var requested = LinuxContainerResources.Parser.ParseJson(container.Status.ResourcesJson).OomScoreAdj;
        if (requested < actual && Interlocked.Exchange(ref _oomClampReported, true) is false)
        {
            log.LogWarning("oom_score_adj {Requested} of container {Id} was raised to {Effective}, the daemon's own: without " +
                "CAP_SYS_RESOURCE a lower value cannot be set (verbose ContainerStatus shows the effective value; said once)",
                requested, container.Id, actual);
        }
    }
}
