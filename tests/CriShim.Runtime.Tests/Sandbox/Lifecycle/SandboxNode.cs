using CriShim.Native;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Events;
using CriShim.Runtime.Sandbox;
using CriShim.Runtime.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace CriShim.Runtime.Tests.Sandbox.Lifecycle;

/// <summary>
/// A node for the sandbox service: --root and --state, cgroups, the host side of pods and the pod network, all in a
/// scratch directory or in fakes that outlive a daemon. <see cref="RestartAsync"/> is a daemon (re)start: a new service
/// over the same directories, recovered as the daemon does before it serves.
/// </summary>
internal sealed class SandboxNode : IDisposable
{
    private readonly TempDirectory _dir = new();

    public SandboxNode()
    {
        Config = new DaemonConfig { Root = _dir.Combine("root"), State = _dir.Combine("state") };
        Directory.CreateDirectory(_dir.Combine("cgroup"));
        Cgroups = new FakeCgroups(_dir.Combine("cgroup"));
    }

    public DaemonConfig Config { get; }
    public FakeCgroups Cgroups { get; }
    public FakePodInfra Infra { get; } = new();
    public FakePodNetwork Network { get; } = new();

    /// <summary>The records a daemon starting now would load.</summary>
    public IReadOnlyCollection<PodSandboxRecord> Records => new PodSandboxStore(Config, NullLogger<PodSandboxStore>.Instance).Records;

    /// <summary>What pods leave while they exist: records, state dirs, cgroups, network attachments and pauses that did not end.</summary>
    public IReadOnlyList<string> Traces() =>
        new[] { Path.Combine(Config.Root, "sandboxes"), Path.Combine(Config.State, "sandboxes") }.Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFileSystemEntries)
            .Concat(Cgroups.Existing.Select(c => $"cgroup {c}"))
            .Concat(Network.AttachedSandboxes().Select(id => $"network of {id}"))
            .Concat(Infra.Pauses.Where(p => !Processes.WaitForExit(p, TimeSpan.Zero)).Select(p => $"pause {p.Pid}"))
            .ToList();

    public async Task<SandboxService> RestartAsync()
    {
        var service = new SandboxService(
            Config,
            new PodSandboxStore(Config, NullLogger<PodSandboxStore>.Instance),
            Cgroups,
            Infra,
            new RuntimeHandlers(Config, new RuntimeHelperBinary("/nonexistent/crishim-runtime")),
            Network,
            new FakePodContainers(),
            new ContainerEventBroadcaster(NullLogger<ContainerEventBroadcaster>.Instance),
            NullLogger<SandboxService>.Instance);
        await service.RecoverAsync();
        return service;
    }

    public void Dispose()
    {
        Infra.Dispose();
        _dir.Dispose();
    }
}
