using CriShim.Native;
using CriShim.Protocol.V1;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Container;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Streaming;

/// <summary>
/// The runtime behind the streaming server: interactive exec through <see cref="InteractiveExec"/>,
/// attach through the container monitor's attach socket, port-forward through <see cref="PodPortDialer"/>.
/// </summary>
public sealed class ContainerStreaming(
    DaemonConfig daemon,
    IContainerExec containers,
    PodSandboxStore sandboxes,
    IContainerRuntime runtime,
    RuntimeHelperBinary binary) : IContainerStreaming
{
    private readonly InteractiveExec _exec = new(containers, runtime);
    private readonly PodPortDialer _ports = new(binary);

    public string CheckExec(ExecRequest request)
    {
        return containers.CheckExec(request.ContainerId, request.Cmd);
    }

    public string CheckAttach(AttachRequest request)
    {
        return containers.CheckAttach(request.ContainerId);
    }

    public string CheckPortForward(PortForwardRequest request)
    {
        foreach (var port in request.Port)
        {
            PodPortDialer.RequireTcpPort(port);
        }
        return ReadySandbox(request.PodSandboxId).Id;
    }

    public Task<int> ExecAsync(string containerId, IReadOnlyList<string> command, bool tty, StdioStreams streams, CancellationToken cancel) =>
        _exec.RunAsync(containerId, command, tty, streams, cancel);

    public async Task AttachAsync(string containerId, StdioStreams streams, CancellationToken cancel)
    {
        StdioRelayClient relay;
        try
        {
            relay = StdioRelayClient.Connect(containers.AttachSocketOf(containerId));
        }
        catch (ErrnoException e) when (e.IsNotFound || e.Errno == Tmds.Linux.LibC.ECONNREFUSED)
        {
            throw new FailedPreconditionException($"container {containerId} is not running (its monitor's attach socket is gone: {e.Message})");
        }
        using (relay)
        {
            await relay.RunAsync(streams, cancel);
        }
    }

    public Task<Stream> ConnectAsync(string podSandboxId, int port, CancellationToken cancel)
    {
        var sandbox = ReadySandbox(podSandboxId);
        var network = sandbox.Namespaces.HasFlag(NamespaceKinds.Network)
            ? new NamespacePins(SandboxDirectory.For(daemon.State, sandbox.Id).Namespaces).PathOf(NamespaceKinds.Network)
            : null;
        return _ports.ConnectAsync(network, port, cancel);
    }

    private PodSandboxRecord ReadySandbox(string idOrPrefix)
    {
        var sandbox = sandboxes.Resolve(idOrPrefix) ?? throw new NotFoundException($"pod sandbox '{idOrPrefix}' does not exist");
        if (sandbox.State != PodSandboxLifecycle.Ready || !PodInfra.IsHeld(sandbox, SandboxDirectory.For(daemon.State, sandbox.Id)))
        {
            throw new FailedPreconditionException($"pod sandbox {sandbox.Id} is not ready (stopped, or its pause process or namespace pins are gone); port-forward needs a ready pod");
        }
        return sandbox;
    }
}
