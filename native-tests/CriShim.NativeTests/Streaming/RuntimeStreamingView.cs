using CriShim.NativeTests.Infrastructure;
using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Container;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Events;
using CriShim.Runtime.Sandbox;
using CriShim.Runtime.Streaming;
using Microsoft.Extensions.Logging.Abstractions;

namespace CriShim.NativeTests.Streaming;

/// <summary>
/// The daemon's <see cref="ContainerStreaming"/> built in the test process over a running daemon's root
/// and state, exactly as a restarted daemon would load them. Build it after creating the containers it should
/// see: the stores load at construction.
/// </summary>
internal static class RuntimeStreamingView
{
    public static IContainerStreaming Of(DaemonProcess daemon)
    {
        var config = new DaemonConfig { Root = daemon.Root, State = daemon.State };
        var sandboxes = new PodSandboxStore(config, NullLogger<PodSandboxStore>.Instance);
        var binary = new RuntimeHelperBinary(Repository.Binary(RuntimeHelperBinary.FileName));
        var helper = new ContainerRuntimeHelper(new RuntimeHandlers(config, binary));
        var tracker = new ContainerTracker(config, new ContainerStore(Path.Combine(config.Root, "containers"), NullLogger.Instance), sandboxes,
            new ContainerEventBroadcaster(NullLogger<ContainerEventBroadcaster>.Instance), NullLogger<ContainerTracker>.Instance);
        var containers = new ContainerExec(tracker, helper, CgroupHierarchy.Detect(NullLogger<ICgroupManager>.Instance));
        return new ContainerStreaming(config, containers, sandboxes, helper, binary);
    }
}
