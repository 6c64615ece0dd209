using CriShim.Contract;
using CriShim.Native;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Container;

/// <summary>
/// Runs the NativeAOT runtime helper for containers: <c>container-start &lt;spec&gt;</c> (starts the
/// monitor, which is not our child, and returns once the command runs) and <c>exec &lt;spec&gt;</c>
/// (runs a command in a container and returns its output), each answering with one JSON document on
/// stdout; and <c>exec-stream</c>, an interactive exec relayed over a socket. Each runs the helper of the
/// pod's runtime handler.
/// </summary>
public sealed class ContainerRuntimeHelper(RuntimeHandlers handlers) : IContainerRuntime
{
    public RuntimeHandlers Handlers => handlers;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long exec gets beyond its own timeout to kill the command and answer.</summary>
    private static readonly TimeSpan ExecGrace = TimeSpan.FromSeconds(10);

    public Task<ContainerStartResult> StartAsync(string runtimeHandler, string specFile) =>
        RuntimeHelperProcess.RunAsync(handlers.Of(runtimeHandler).Helper, "container-start", [specFile], ContainerJsonContext.Default.ContainerStartResult, StartTimeout, CancellationToken.None);

    /// <summary>Runs an exec; <paramref name="timeout"/> null waits as long as the caller does.</summary>
    public Task<ExecResult> ExecAsync(string runtimeHandler, string specFile, TimeSpan? timeout, CancellationToken cancel) =>
        RuntimeHelperProcess.RunAsync(handlers.Of(runtimeHandler).Helper, "exec", [specFile], ContainerJsonContext.Default.ExecResult, timeout + ExecGrace, cancel);

    /// <summary>
    /// Starts <c>exec-stream &lt;spec&gt; &lt;socket&gt;</c> and returns it, owned by the caller, once it listens on
    /// <paramref name="socket"/> (its first line on stdout); the caller connects, then waits for it or kills it.
    /// </summary>
    public Task<CapturedChild> StartExecStreamAsync(string runtimeHandler, string specFile, string socket, CancellationToken cancel) =>
        RuntimeHelperProcess.StartReadyAsync(handlers.Of(runtimeHandler).Helper, "exec-stream", [specFile, socket], Contract.Stdio.StdioSockets.ExecListeningLine,
            StartTimeout, cancel);
}
