using CriShim.Protocol.V1;

namespace CriShim.Runtime.Streaming;

/// <summary>
/// What the streaming server needs from the runtime: checks at RPC time (so Exec, Attach and PortForward
/// fail with a gRPC status before a URL is handed out) and the wiring of a client's streams to a process
/// or a pod port once the client connected. Errors are <see cref="Errors.CriException"/>s whose messages
/// the server passes on to the client.
/// </summary>
public interface IContainerStreaming
{
    /// <summary>The full id of a running container that can take an exec; NotFound or FailedPrecondition otherwise.</summary>
    string CheckExec(ExecRequest request);

    /// <summary>The full id of a running container to attach to; NotFound or FailedPrecondition otherwise.</summary>
    string CheckAttach(AttachRequest request);

    /// <summary>The full id of a ready pod sandbox; NotFound or FailedPrecondition otherwise.</summary>
    string CheckPortForward(PortForwardRequest request);

    /// <summary>
    /// Runs <paramref name="command"/> in the container wired to <paramref name="streams"/> and returns its
    /// exit code once it exited and its output was written, even while the client's stdin stays open.
    /// A command that cannot be started throws with the reason.
    /// </summary>
    Task<int> ExecAsync(string containerId, IReadOnlyList<string> command, bool tty, StdioStreams streams, CancellationToken cancel);

    /// <summary>
    /// Connects <paramref name="streams"/> to the container's own stdio through its monitor until the
    /// container exits or <paramref name="cancel"/> fires (the client went).
    /// </summary>
    Task AttachAsync(string containerId, StdioStreams streams, CancellationToken cancel);

    /// <summary>A connection to <c>localhost:&lt;port&gt;</c> in the pod's network namespace (the host's for host-network pods).</summary>
    Task<Stream> ConnectAsync(string podSandboxId, int port, CancellationToken cancel);
}
