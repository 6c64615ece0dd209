using CriShim.Native;
using CriShim.Contract;
using CriShim.Runtime.Daemon;

namespace CriShim.Runtime.Container;

/// <summary>
/// The low-level runtime in front of the container services (CRI-O's <c>oci.RuntimeImpl</c>): the runtime helper in
/// the daemon, a fake that plays the monitor in the unit tests. It starts processes and answers with typed results;
/// what happens afterwards the monitor records in the container's <see cref="ContainerStateDirectory"/>.
/// </summary>
public interface IContainerRuntime
{
    RuntimeHandlers Handlers { get; }

    /// <summary>Starts the container of <paramref name="specFile"/> under its monitor; returns once the command runs (or failed to).</summary>
    Task<ContainerStartResult> StartAsync(string runtimeHandler, string specFile);

    /// <summary>Runs an exec to its end; <paramref name="timeout"/> null waits as long as the caller does.</summary>
    Task<ExecResult> ExecAsync(string runtimeHandler, string specFile, TimeSpan? timeout, CancellationToken cancel);

    /// <summary>Starts an interactive exec listening on <paramref name="socket"/>; the caller connects, then waits for it or kills it.</summary>
    Task<CapturedChild> StartExecStreamAsync(string runtimeHandler, string specFile, string socket, CancellationToken cancel);
}
