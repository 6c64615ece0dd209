using System.Runtime.InteropServices;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Network;

namespace CriShim.Api.Hosting;

/// <summary>
/// SIGHUP, as CRI-O: reads the configuration again (same file, same flags) and applies what can change
/// while the daemon runs, the log level and the CNI config directory. registries.conf is re-read at
/// every pull anyway. A change to anything else is logged as waiting for the next start; a file that
/// does not load is logged and the running configuration kept.
/// </summary>
public sealed class ConfigReload(IReadOnlyList<string> args, DaemonConfig initial, LogLevelSwitch level, CniConfigDirectory cni,
    ILogger<ConfigReload> log) : IDisposable
{
    /// <summary>What applies at once; everything else waits for a restart.</summary>
    private static readonly string[] LiveKeys = ["log_level", "cni_conf_dir"];

    private readonly Lock _lock = new();
    private DaemonConfig _current = initial;
    private PosixSignalRegistration? _registration;

    public void ListenForSighup() =>
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            Reload();
        });

    public void Reload()
    {
        lock (_lock)
        {
            DaemonConfig next;
            try
            {
                next = DaemonConfigLoader.Load(args);
            }
            catch (Exception e) when (e is ConfigException or IOException or UnauthorizedAccessException)
            {
                log.LogError("configuration reload refused, keeping the running configuration: {Error}", e.Message);
                return;
            }
            var changes = Changes(_current, next);
            foreach (var (key, live, value) in changes)
            {
                if (live)
                {
                    log.LogWarning("configuration reload: {Key} is now {Value}", key, value);
                }
                else
                {
                    log.LogWarning("configuration reload: {Key} changed to {Value}, which takes effect only when crishim restarts", key, value);
                }
            }
            level.Set(next.LogLevel);
            cni.Path = next.CniConfDir;
            _current = _current with { LogLevel = next.LogLevel, CniConfDir = next.CniConfDir };
            log.LogInformation("configuration reloaded from {Path}: {Count} changes", next.ConfigPath, changes.Count);
        }
    }

    /// <summary>The keys whose values differ, each with whether it applies at once, and its new value.</summary>
    public static IReadOnlyList<(string Key, bool Live, string Value)> Changes(DaemonConfig current, DaemonConfig next)
    {
        var before = DaemonConfigLoader.Values(current);
        return DaemonConfigLoader.Values(next)
            .Where(kv => before[kv.Key] != kv.Value)
            .Select(kv => (kv.Key, LiveKeys.Contains(kv.Key), kv.Value))
            .ToList();
    }

    public void Dispose() => _registration?.Dispose();
}
