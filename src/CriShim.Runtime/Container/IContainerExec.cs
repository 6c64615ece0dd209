using CriShim.Protocol.V1;

namespace CriShim.Runtime.Container;

/// <summary>What runs beside a running container's command: ExecSync, the streaming server's exec and attach, log reopening.</summary>
public interface IContainerExec
{
    Task<ExecSyncResponse> ExecSyncAsync(string idOrPrefix, IReadOnlyList<string> command, long timeoutSeconds, CancellationToken cancel);

    /// <summary>Exec (streaming): the full id of the running container; InvalidArgument, NotFound or FailedPrecondition otherwise.</summary>
    string CheckExec(string idOrPrefix, IReadOnlyList<string> command);

    /// <summary>Attach: the full id of the running container whose monitor has an attach socket.</summary>
    string CheckAttach(string idOrPrefix);

    /// <summary>The monitor's attach socket of container <paramref name="id"/>.</summary>
    string AttachSocketOf(string id);

    /// <summary>
    /// Writes the spec of an interactive exec into the container's state directory and returns it with the
    /// path of the exec's relay socket next to it; the caller deletes both.
    /// </summary>
    Task<(string SpecFile, string Socket, string RuntimeHandler)> PrepareStreamingExecAsync(
        string idOrPrefix, IReadOnlyList<string> command, bool tty, bool stdin, CancellationToken cancel);

    Task ReopenLogAsync(string idOrPrefix);
}
