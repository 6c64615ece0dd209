using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Errors;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Network;

/// <summary>
/// Pod networking through CNI: the network config <see cref="CniConfigDirectory"/> picks (the one
/// <c>Status</c> reports), plugins from the bin dirs, ADD through the chain with <c>prevResult</c>,
/// DEL in reverse, CHECK. What ADD used is cached per sandbox (<see cref="CniResultCache"/>) before
/// it runs, so DEL replays it after restarts and config changes. Calls for one sandbox are
/// serialized, as the spec requires; different sandboxes run in parallel.
/// </summary>
public sealed partial class CniNetwork : IPodNetwork
{
    public const string InterfaceName = "eth0";

    private static readonly TimeSpan PluginTimeout = TimeSpan.FromMinutes(1);

    /// <summary>A failed ADD is undone even when its caller gave up; this bounds that undo.</summary>
    private static readonly TimeSpan RollbackTimeout = TimeSpan.FromMinutes(2);

    private readonly CniConfigDirectory _configs;
    private readonly CniResultCache _cache;
    private readonly CniPluginInvoker _plugins;
    private readonly ILogger _log;
    private readonly SemaphoreSlim[] _sandboxLocks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public CniNetwork(DaemonConfig config, CniConfigDirectory configs, CniResultCache cache, ILogger<CniNetwork> log)
        : this(configs, cache, new CniPluginInvoker(config.CniBinDirs, PluginTimeout, log), log)
    {
    }

    internal CniNetwork(CniConfigDirectory configs, CniResultCache cache, CniPluginInvoker plugins, ILogger log)
    {
        _configs = configs;
        _cache = cache;
        _plugins = plugins;
        _log = log;
    }

    public async Task<PodNetworkResult> SetUpAsync(PodNetworkRequest request, CancellationToken cancel)
    {
        CheckSandboxId(request.SandboxId);
        var cniArgs = CniArgs.For(request);
        var runtimeConfig = CniRuntimeConfig.From(request);
        if (!File.Exists(request.NetnsPath))
        {
            throw new FailedPreconditionException($"network namespace {request.NetnsPath} of sandbox {request.SandboxId} does not exist");
        }
        var (file, list) = CurrentConfig();

        var sandboxLock = LockOf(request.SandboxId);
        await sandboxLock.WaitAsync(cancel);
        try
        {
            if (_cache.Find(request.SandboxId) is { } stale)
            {
                // The spec forbids a second ADD without DEL: finish the earlier attempt first.
                _log.LogWarning("sandbox {Sandbox} still has a network attachment from an earlier set-up; deleting it first", request.SandboxId);
                await DeleteAsync(stale, cancel);
            }
            var attachment = new CniAttachment(request.SandboxId, request.NetnsPath, InterfaceName, cniArgs, file,
                list.Json, runtimeConfig.Json, Result: null);
            _cache.Put(attachment);

            JsonObject? result = null;
            try
            {
                for (var i = 0; i < list.Plugins.Count; i++)
                {
                    result = await InvokeAsync("ADD", attachment, list, runtimeConfig, i, request.NetnsPath, result, cancel)
                        ?? throw new CniPluginException(CniConfList.PluginType(list.Plugins[i]), "ADD", null, "printed no result");
                }
            }
            catch (Exception e) when (e is CniPluginException or FileNotFoundException or TimeoutException or OperationCanceledException)
            {
                var cleanup = await RollBackAsync(attachment with { Result = result });
                cancel.ThrowIfCancellationRequested();
                throw await TranslateAddFailureAsync(e, request.SandboxId, list, cleanup);
            }

            _cache.Put(attachment with { Result = result });
            var ips = CniResult.PodIps(result!);
            _log.LogInformation("sandbox {Sandbox} attached to network {Network} ({File}) with {Ips}",
                request.SandboxId, list.Name, file, ips.Count > 0 ? string.Join(", ", ips) : "no address");
            return new PodNetworkResult(ips, result!.ToJsonString());
        }
        finally
        {
            sandboxLock.Release();
        }
    }

    public async Task TearDownAsync(string sandboxId, CancellationToken cancel)
    {
        CheckSandboxId(sandboxId);
        var sandboxLock = LockOf(sandboxId);
        await sandboxLock.WaitAsync(cancel);
        try
        {
            if (_cache.Find(sandboxId) is { } attachment)
            {
                await DeleteAsync(attachment, cancel);
            }
        }
        finally
        {
            sandboxLock.Release();
        }
    }

    public IReadOnlyList<string> AttachedSandboxes() => _cache.SandboxIds;

    public async Task CheckAsync(string sandboxId, CancellationToken cancel)
    {
        CheckSandboxId(sandboxId);
        var sandboxLock = LockOf(sandboxId);
        await sandboxLock.WaitAsync(cancel);
        try
        {
            var attachment = _cache.Find(sandboxId)
                ?? throw new NotFoundException($"sandbox {sandboxId} has no pod network attachment");
            if (attachment.Result is null)
            {
                throw new FailedPreconditionException($"the network set-up of sandbox {sandboxId} never completed");
            }
            var list = new CniConfList(attachment.ConfList);
            if (!list.SupportsCheck)
            {
                _log.LogDebug("network {Network} (cniVersion {Version}) has no CHECK; sandbox {Sandbox} not checked",
                    list.Name, list.CniVersion, sandboxId);
                return;
            }
            if (!NetworkNamespacePath.IsLive(attachment.NetnsPath))
            {
                throw new FailedPreconditionException($"network namespace {attachment.NetnsPath} of sandbox {sandboxId} is gone");
            }
            var runtimeConfig = new CniRuntimeConfig(attachment.CapabilityArgs);
            try
            {
                for (var i = 0; i < list.Plugins.Count; i++)
                {
                    await InvokeAsync("CHECK", attachment, list, runtimeConfig, i, attachment.NetnsPath, attachment.Result, cancel);
                }
            }
            catch (Exception e) when (e is CniPluginException or FileNotFoundException)
            {
                throw new FailedPreconditionException($"network '{list.Name}' of sandbox {sandboxId} is not as set up: {e.Message}");
            }
            catch (TimeoutException e)
            {
                throw new DeadlineExceededException($"checking network '{list.Name}' of sandbox {sandboxId}: {e.Message}");
            }
        }
        finally
        {
            sandboxLock.Release();
        }
    }

    private (string File, CniConfList List) CurrentConfig()
    {
        var lookup = _configs.Find();
        if (!lookup.Found)
        {
            throw new FailedPreconditionException($"no CNI network config in {_configs.Path}: {string.Join("; ", lookup.Problems)}");
        }
        try
        {
            return (lookup.File!, new CniConfList(lookup.ConfList!));
        }
        catch (FormatException e)
        {
            throw new FailedPreconditionException($"CNI network config {lookup.File}: {e.Message}");
        }
    }

    /// <summary>DEL through the chain in reverse. Every plugin gets its DEL even when one fails, so each releases what it holds.</summary>
    private async Task DeleteAsync(CniAttachment attachment, CancellationToken cancel)
    {
        var failures = await RunDeleteAsync(attachment, cancel);
        if (failures.Count > 0)
        {
            throw new UnavailableException($"tearing down the network of sandbox {attachment.SandboxId}: {string.Join("; ", failures)}");
        }
        _cache.Remove(attachment.SandboxId);
    }

    private async Task<List<string>> RunDeleteAsync(CniAttachment attachment, CancellationToken cancel)
    {
        var list = new CniConfList(attachment.ConfList);
        var runtimeConfig = new CniRuntimeConfig(attachment.CapabilityArgs);
        var netns = NetworkNamespacePath.IsLive(attachment.NetnsPath) ? attachment.NetnsPath : "";
        var prevResult = list.PassesResultToDelete ? attachment.Result : null;
        var failures = new List<string>();
        for (var i = list.Plugins.Count - 1; i >= 0; i--)
        {
            try
            {
                await InvokeAsync("DEL", attachment, list, runtimeConfig, i, netns, prevResult, cancel);
            }
            catch (Exception e) when (e is CniPluginException or FileNotFoundException or TimeoutException)
            {
                failures.Add(e.Message);
            }
        }
        if (failures.Count == 0)
        {
            _log.LogInformation("sandbox {Sandbox} detached from network {Network}{Netns}", attachment.SandboxId, list.Name,
                netns.Length == 0 ? " (its network namespace was already gone)" : "");
        }
        return failures;
    }

    /// <summary>
    /// Undoes a failed ADD with DEL for the whole chain under a fresh deadline. The record goes
    /// either way: replaying a config the plugins just rejected would block every later tear-down.
    /// </summary>
    private async Task<string?> RollBackAsync(CniAttachment attachment)
    {
        using var deadline = new CancellationTokenSource(RollbackTimeout);
        List<string> failures;
        try
        {
            failures = await RunDeleteAsync(attachment, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            failures = [$"DEL did not finish within {RollbackTimeout.TotalSeconds:0}s"];
        }
        _cache.Remove(attachment.SandboxId);
        if (failures.Count == 0)
        {
            return null;
        }
        var problem = string.Join("; ", failures);
        _log.LogError("undoing the failed network set-up of sandbox {Sandbox} failed, resources may be left: {Problem}",
            attachment.SandboxId, problem);
        return problem;
    }

    private async Task<CriException> TranslateAddFailureAsync(Exception e, string sandboxId, CniConfList list, string? cleanup)
    {
        var reason = e.Message;
        if (e is CniPluginException { Code: CniPluginException.IncompatibleVersion } plugin)
        {
            reason = await DescribeVersionsAsync(plugin, list);
        }
        var message = $"setting up network '{list.Name}' for sandbox {sandboxId}: {reason}"
            + (cleanup is null ? "" : $"; undoing it also failed: {cleanup}");
        return e switch
        {
            FileNotFoundException => new FailedPreconditionException(message),
            TimeoutException => new DeadlineExceededException(message),
            _ => new UnavailableException(message, e),
        };
    }

    /// <summary>Adds what VERSION reports when the plugin's own message does not list its versions.</summary>
    private async Task<string> DescribeVersionsAsync(CniPluginException e, CniConfList list)
    {
        try
        {
            using var deadline = new CancellationTokenSource(PluginTimeout);
            var versions = await _plugins.SupportedVersionsAsync(e.Plugin, list.CniVersion, deadline.Token);
            if (versions.Count > 0 && !versions.All(e.Reason.Contains))
            {
                return $"{e.Message}; the config asks for cniVersion {list.CniVersion}, {e.Plugin} supports {string.Join(", ", versions)}";
            }
        }
        catch (Exception failure) when (failure is CniPluginException or TimeoutException or OperationCanceledException)
        {
            _log.LogDebug("VERSION of {Plugin} failed: {Problem}", e.Plugin, failure.Message);
        }
        return e.Message;
    }

    private Task<JsonObject?> InvokeAsync(string command, CniAttachment attachment, CniConfList list, CniRuntimeConfig runtimeConfig,
        int index, string netns, JsonObject? prevResult, CancellationToken cancel) =>
        _plugins.InvokeAsync(
            CniConfList.PluginType(list.Plugins[index]),
            new CniInvocation(command, attachment.SandboxId, netns, attachment.IfName, attachment.CniArgs),
            list.PluginConfig(index, runtimeConfig, prevResult),
            cancel);

    private SemaphoreSlim LockOf(string sandboxId) =>
        _sandboxLocks[(uint)StringComparer.Ordinal.GetHashCode(sandboxId) % (uint)_sandboxLocks.Length];

    private static void CheckSandboxId(string sandboxId)
    {
        if (!ContainerIdSyntax().IsMatch(sandboxId))
        {
            throw new InvalidArgumentException($"sandbox id '{sandboxId}' cannot be a CNI container id (letters, digits, '_', '.', '-', starting with a letter or digit)");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex ContainerIdSyntax();
}
