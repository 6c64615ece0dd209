using System.Text.Json;
using CriShim.Contract;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerExec
{
    /// <summary>Exec (streaming): the full id of the running container; InvalidArgument, NotFound or FailedPrecondition otherwise.</summary>
    public string CheckExec(string idOrPrefix, IReadOnlyList<string> command)
    {
        RequireCommand(command);
        return RunningForExec(idOrPrefix).Id;
    }

    /// <summary>Attach: the full id of the running container whose monitor has an attach socket.</summary>
    public string CheckAttach(string idOrPrefix)
    {
        var container = containers.Refresh(containers.Store.Get(idOrPrefix));
        if (!container.Status.State.CanExec())
        {
            throw new FailedPreconditionException($"container {container.Id} is {container.Status.State.Describe()}, not running; attach needs a running container");
        }
        if (!File.Exists(AttachSocketOf(container.Id)))
        {
            throw new FailedPreconditionException(
                $"container {container.Id} has no attach socket: it was started by a crishim without attach support; recreate the container to attach to it");
        }
        return container.Id;
    }

    /// <summary>The monitor's attach socket of container <paramref name="id"/>.</summary>
    public string AttachSocketOf(string id) => containers.StateOf(id).AttachSocket;

    /// <summary>
    /// Writes the spec of an interactive exec into the container's state directory and returns it with the
    /// path of the exec's relay socket next to it; the caller deletes both.
    /// </summary>
    public async Task<(string SpecFile, string Socket, string RuntimeHandler)> PrepareStreamingExecAsync(string idOrPrefix, IReadOnlyList<string> command, bool tty, bool stdin, CancellationToken cancel)
    {
        RequireCommand(command);
        var container = RunningForExec(idOrPrefix);
        var exec = ExecSpecFor(container, command, tty, stdin);
        var name = $"exec-{Guid.NewGuid():N}";
        var directory = containers.StateOf(container.Id).Path;
        var specFile = Path.Combine(directory, name + ".json");
        await File.WriteAllBytesAsync(specFile, JsonSerializer.SerializeToUtf8Bytes(exec, ContainerJsonContext.Default.ExecSpec), cancel);
        return (specFile, Path.Combine(directory, name + ".sock"), RuntimeHandlerOf(container));
    }
}
