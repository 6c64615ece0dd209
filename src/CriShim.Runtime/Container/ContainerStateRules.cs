using CriShim.Protocol.V1;

namespace CriShim.Runtime.Container;

/// <summary>
/// What each CRI container state allows: CREATED can start; RUNNING can be stopped and exec'd
/// into; EXITED only reported and removed; UNKNOWN (a start that did not finish) is stopped and
/// removed like a running one. Anything can be removed (Remove force-stops first).
/// </summary>
public static class ContainerStateRules
{
    public static bool CanStart(this ContainerState state) => state == ContainerState.ContainerCreated;

    public static bool CanExec(this ContainerState state) => state == ContainerState.ContainerRunning;

    public static bool MayHaveProcesses(this ContainerState state) =>
        state is ContainerState.ContainerRunning or ContainerState.ContainerUnknown;
}
