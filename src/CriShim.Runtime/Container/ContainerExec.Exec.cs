using System.Text;
using System.Text.Json;
using CriShim.Contract;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using Google.Protobuf;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerExec
{
    /// <summary>CRI caps each of stdout and stderr of ExecSync at 16 MiB.</summary>
    public const int MaxExecOutputBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Runs <paramref name="command"/> in the running container with its namespaces, cgroup, user,
    /// capabilities and environment. A timeout kills it and answers DeadlineExceeded; a command that
    /// cannot be executed answers like a shell would (126/127 with the reason on stderr).
    /// </summary>
    public async Task<ExecSyncResponse> ExecSyncAsync(string idOrPrefix, IReadOnlyList<string> command, long timeoutSeconds, CancellationToken cancel)
    {
        RequireCommand(command);
        var container = RunningForExec(idOrPrefix);
        var timeout = timeoutSeconds > 0 ? TimeSpan.FromSeconds(timeoutSeconds) : (TimeSpan?)null;
        var exec = ExecSpecFor(container, command, tty: false, stdin: false);
        exec.TimeoutMilliseconds = (long)(timeout?.TotalMilliseconds ?? 0);
        exec.MaxOutputBytes = MaxExecOutputBytes;
        var specFile = Path.Combine(containers.StateOf(container.Id).Path, $"exec-{Guid.NewGuid():N}.json");
        await File.WriteAllBytesAsync(specFile, JsonSerializer.SerializeToUtf8Bytes(exec, ContainerJsonContext.Default.ExecSpec), cancel);
        ExecResult result;
        try
        {
            result = await runtime.ExecAsync(RuntimeHandlerOf(container), specFile, timeout, cancel);
        }
        finally
        {
            File.Delete(specFile);
        }
        if (result.TimedOut)
        {
            throw new DeadlineExceededException($"command '{string.Join(' ', command)}' in container {container.Id} timed out after {timeoutSeconds} s and was killed");
        }
        var stderr = result.Stderr;
        if (result.Error is { } error)
        {
            switch (result.Failure)
            {
                case StartFailure.ExecutableNotFound or StartFailure.PermissionDenied:
                    stderr = [.. stderr, .. Encoding.UTF8.GetBytes(error + "\n")];
                    break;
                case StartFailure.InvalidSpec:
                    throw new InvalidArgumentException($"exec in container {container.Id}: {error}");
                default:
                    throw new IOException($"exec in container {container.Id} failed: {error}");
            }
        }
        return new ExecSyncResponse
        {
            Stdout = ByteString.CopyFrom(result.Stdout),
            Stderr = ByteString.CopyFrom(stderr),
            ExitCode = result.ExitCode,
        };
    }

    private static void RequireCommand(IReadOnlyList<string> command)
    {
        if (command.Count == 0 || command[0].Length == 0)
        {
            throw new InvalidArgumentException("exec needs a command");
        }
    }

    private StoredContainer RunningForExec(string idOrPrefix)
    {
        var container = containers.Refresh(containers.Store.Get(idOrPrefix));
        if (!container.Status.State.CanExec())
        {
            throw new FailedPreconditionException($"container {container.Id} is {container.Status.State.Describe()}, not running; exec needs a running container");
        }
        return container;
    }

    /// <summary>The container's own process spec with the exec's argv and stdio, aimed at its running init process.</summary>
    private ExecSpec ExecSpecFor(StoredContainer container, IReadOnlyList<string> command, bool tty, bool stdin)
    {
        var spec = container.Details.Spec
            ?? throw new IOException($"the spec of container {container.Id} ({container.Record.SpecFile}) could not be read when it was loaded");
        return new ExecSpec
        {
            ContainerPid = container.Status.Pid,
            ContainerStartTime = container.Status.PidStartTime,
            Process = spec.Process with { Args = command.ToList(), Tty = tty, Stdin = stdin, StdinOnce = false },
            // From the record, not the stored spec: a container started by an older crishim has its cgroups there under another name.
            Cgroups = cgroups.Placements(container.Record.CgroupPath),
            StageFiles = spec.StageFiles,
        };
    }
}
