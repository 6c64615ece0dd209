using System.Text.Json;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.VmTests;

/// <summary>A container started through <see cref="Pod.StartAsync"/>.</summary>
internal sealed class Container(VmDaemon daemon, string id, string logPath)
{
    public string Id => id;

    public async Task<ContainerStatus> StatusAsync() =>
        (await daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status;

    /// <summary>The host pid from the verbose status, where crishim reports it as containerd does.</summary>
    public async Task<int> PidAsync()
    {
        var response = await daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id, Verbose = true });
        foreach (var value in response.Info.Values)
        {
            try
            {
                using var document = JsonDocument.Parse(value);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("pid", out var pid) && pid.TryGetInt32(out var number) && number > 0)
                {
                    return number;
                }
            }
            catch (JsonException)
            {
            }
        }
        throw new CheckFailedException($"verbose ContainerStatus of {id} reports no pid: {string.Join(", ", response.Info.Keys)}");
    }

    public async Task<ContainerStatus> WaitForExitAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var status = await StatusAsync();
            if (status.State == ContainerState.ContainerExited)
            {
                return status;
            }
            await Task.Delay(250);
        }
        throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"container {id} did not exit within {timeout}"));
    }

    /// <summary>The container's CRI log file as it is now (empty before the first line).</summary>
    public string Log() => File.Exists(logPath) ? File.ReadAllText(logPath) : "";

    /// <summary>Waits until the container's CRI log has a line containing <paramref name="text"/>.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!(File.Exists(logPath) && File.ReadAllText(logPath).Contains(text, StringComparison.Ordinal)))
        {
            Check.True(DateTime.UtcNow < deadline, $"container {id} logged '{text}' within {timeout}");
            await Task.Delay(250);
        }
    }

    /// <summary>ExecSync as kubelet's probes call it: output and exit code of a command run to its end.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> ExecAsync(params string[] command)
    {
        var response = await daemon.Runtime.ExecSyncAsync(new ExecSyncRequest { ContainerId = id, Cmd = { command }, Timeout = 60 });
        return (response.ExitCode, response.Stdout.ToStringUtf8(), response.Stderr.ToStringUtf8());
    }
}
