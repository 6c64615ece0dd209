using CriShim.Contract;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Container;
using CriShim.Runtime.Sandbox;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Events;

/// <summary>
/// Learns when containers and pods end on their own, so their STOPPED events go out without anyone asking for a
/// status. Container exits are seen at once: an inotify watch (<see cref="FileSystemWatcher"/>) on
/// <c>{state}/containers</c> sees each monitor's <c>exit.json</c> appear. A sweep every few seconds catches what
/// leaves no file: a monitor killed with SIGKILL, a lost inotify event, a pause process that died. Started with
/// the daemon, it covers the containers and pods of earlier daemon runs too.
/// </summary>
public sealed class ExitWatcher(DaemonConfig config, ContainerTracker containers, SandboxService sandboxes, ILogger<ExitWatcher> log) : IDisposable
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);

    private FileSystemWatcher? _watcher;
    private Timer? _sweep;

    public void Start()
    {
        var root = Path.Combine(config.State, "containers");
        Directory.CreateDirectory(root);
        _watcher = new FileSystemWatcher(root, ContainerStateFiles.Exit)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName,
        };
        _watcher.Created += (_, e) => Observe(e.FullPath);
        _watcher.Renamed += (_, e) => Observe(e.FullPath);
        _watcher.Error += (_, e) =>
        {
            log.LogWarning(e.GetException(), "watching container exits failed; sweeping all containers now");
            Sweep();
        };
        _watcher.EnableRaisingEvents = true;
        _sweep = new Timer(_ => Sweep(), null, TimeSpan.Zero, SweepInterval);
        log.LogInformation("watching {Directory} for container exits", root);
    }

    private void Observe(string exitFile)
    {
        if (Path.GetFileName(Path.GetDirectoryName(exitFile)) is { Length: > 0 } id)
        {
            _ = ObserveAsync(() => containers.ObserveAsync(id), $"container {id}");
        }
    }

    private void Sweep()
    {
        foreach (var id in containers.LiveIds())
        {
            _ = ObserveAsync(() => containers.ObserveAsync(id), $"container {id}");
        }
        foreach (var id in sandboxes.ReadyIds())
        {
            _ = ObserveAsync(() => sandboxes.ObservePauseAsync(id), $"pod sandbox {id}");
        }
    }

    private async Task ObserveAsync(Func<Task> observe, string what)
    {
        try
        {
            await observe();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            log.LogWarning(e, "{What}: could not settle its state", what);
        }
    }

    public void Dispose()
    {
        _sweep?.Dispose();
        _watcher?.Dispose();
    }
}
