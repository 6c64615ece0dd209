using CriShim.Protocol.V1;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Sandbox;
using CriShim.Runtime.Security;

namespace CriShim.Runtime.Daemon;

/// <summary>
/// The RuntimeClass handlers this daemon serves: the default <c>""</c> and each <c>[runtimes.NAME]</c>
/// of the config file. A pod records its handler at <c>RunPodSandbox</c>; its pause, containers and
/// execs then run through that handler's helper under its defaults.
/// </summary>
public sealed class RuntimeHandlers
{
    public const string DefaultName = "";

    private readonly Dictionary<string, RuntimeHandlerOptions> _handlers = new(StringComparer.Ordinal);

    public RuntimeHandlers(DaemonConfig config, RuntimeHelperBinary defaultHelper)
    {
        _handlers[DefaultName] = new RuntimeHandlerOptions(DefaultName, defaultHelper, DefaultSeccomp: null);
        foreach (var handler in config.RuntimeHandlers)
        {
            _handlers[handler.Name] = new RuntimeHandlerOptions(
                handler.Name,
                handler.RuntimePath is { } path ? new RuntimeHelperBinary(path) : defaultHelper,
                handler.DefaultSeccompProfile is { } seccomp ? SeccompProfileSelector.Requested(null, seccomp) : null);
        }
    }

    /// <summary>The default handler first, then the configured ones by name.</summary>
    public IEnumerable<RuntimeHandlerOptions> All =>
        _handlers.Values.OrderBy(h => h.Name.Length > 0).ThenBy(h => h.Name, StringComparer.Ordinal);

    /// <summary>The handler a <c>RunPodSandbox</c> names; one that is not configured is NotFound, as containerd answers.</summary>
    public RuntimeHandlerOptions Resolve(string name) =>
        _handlers.TryGetValue(name, out var handler)
            ? handler
            : throw new NotFoundException(
                $"runtime handler '{name}' is not configured: crishim knows {string.Join(", ", All.Select(h => h.Name.Length == 0 ? "\"\" (default)" : h.Name))}");

    /// <summary>The handler of a pod that already exists; a record naming one no longer configured gets the default's helper and defaults.</summary>
    public RuntimeHandlerOptions Of(string recordedName) =>
        _handlers.TryGetValue(recordedName, out var handler) ? handler : _handlers[DefaultName];

    /// <summary>What every handler supports; the same helper code serves them all.</summary>
    public static RuntimeHandlerFeatures Features() => new()
    {
        RecursiveReadOnlyMounts = CriShim.Native.RecursiveReadOnlyMounts.IsSupported,
        UserNamespaces = CriShim.Native.UserNamespaceEntry.IsSupported,
    };
}

/// <summary>One handler's effective options.</summary>
/// <param name="DefaultSeccomp">The profile for a pod or container that names none; null: unconfined.</param>
public sealed record RuntimeHandlerOptions(string Name, RuntimeHelperBinary Helper, SecurityProfile? DefaultSeccomp);
