using System.Text.Json;
using CriShim.Helper.Monitor;
using CriShim.Native;
using CriShim.Contract;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Container;

/// <summary>
/// <c>container-start &lt;spec&gt;</c>, run by the daemon: spawns the container's monitor in a new session
/// (so when this process exits the monitor is nobody's child but init's and outlives the daemon),
/// relays the monitor's start report to stdout as JSON and exits 0 when the container runs, 1 when not.
/// </summary>
internal static class ContainerStartMode
{
    public static int Run(string specFile)
    {
        ContainerStartResult result;
        try
        {
            var spec = ContainerSpecFile.Read(specFile, ContainerJsonContext.Default.ContainerProcessSpec);
            result = SpawnMonitor(spec, Path.GetFullPath(specFile));
        }
        catch (InitStageException e)
        {
            result = new ContainerStartResult { Error = e.Message, Failure = e.Failure };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result = new ContainerStartResult { Error = "starting the container monitor: " + e.Message, Failure = StartFailure.Internal };
        }
        Console.Out.Write(JsonSerializer.Serialize(result, ContainerJsonContext.Default.ContainerStartResult));
        return result.Error is null ? 0 : 1;
    }

    private static ContainerStartResult SpawnMonitor(ContainerProcessSpec spec, string specFile)
    {
        PrivateDirectory.Create(spec.StateDirectory);
        // Here, still in the host's mount namespace: the monitor's stage root binds the copy.
        if (spec.StageFiles is { } stageFiles)
        {
            SharedStageFiles.Ensure(stageFiles);
        }
        var monitorLog = Path.Combine(spec.StateDirectory, ContainerStateFiles.MonitorLog);
        var (read, write) = Descriptors.CreatePipe();
        using var reportPipe = read;
        using (write)
        using (var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read))
        using (var errors = File.OpenHandle(monitorLog, FileMode.Append, FileAccess.Write))
        {
            var self = Environment.ProcessPath!;
            new ProcessSpawner
            {
                Path = self,
                Args = [self, "container-monitor", specFile],
                Descriptors = new Dictionary<int, SafeFileHandle> { [0] = devNull, [1] = write, [2] = errors },
                NewSession = true,
                BlockedSignals = ContainerMonitorMode.BlockedSignals,
            }.Spawn();
        }
        using var report = new FileStream(reportPipe, FileAccess.Read, 1);
        using var buffer = new MemoryStream();
        report.CopyTo(buffer);
        if (buffer.Length == 0)
        {
            return new ContainerStartResult { Error = $"the container monitor ended without a report (see {monitorLog})", Failure = StartFailure.Internal };
        }
        try
        {
            return JsonSerializer.Deserialize(buffer.ToArray(), ContainerJsonContext.Default.ContainerStartResult)!;
        }
        catch (JsonException e)
        {
            return new ContainerStartResult { Error = $"unreadable report from the container monitor: {e.Message}", Failure = StartFailure.Internal };
        }
    }
}
