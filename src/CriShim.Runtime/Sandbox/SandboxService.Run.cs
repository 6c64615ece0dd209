using System.Security.Cryptography;
using CriShim.Native;
using CriShim.Native.Protocol;
using CriShim.Protocol.V1;
using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Network;
using CriShim.Runtime.Security;
using CriShim.Runtime.Store;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Sandbox;

public sealed partial class SandboxService
{
    /// <summary>Size of a pod's /dev/shm, as Docker and containerd default it.</summary>
    private const string ShmOptions = "mode=1777,size=65536k";

    /// <summary>
    /// Creates the pod: name reservation, state dir and files, /dev/shm, cgroup, namespaces and pause,
    /// pins, then the network. Each step pushes its undo; on any failure everything is undone.
    /// </summary>
    public async Task<string> RunAsync(PodSandboxConfig config, string runtimeHandler, CancellationToken cancel)
    {
        var handler = handlers.Resolve(runtimeHandler);
        var metadata = config.Metadata;
        if (metadata is null || metadata.Name.Length == 0 || metadata.Namespace.Length == 0 || metadata.Uid.Length == 0)
        {
            throw new InvalidArgumentException("pod sandbox metadata needs a name, a namespace and a uid");
        }
        var linux = config.Linux ?? new LinuxPodSandboxConfig();
        var namespaces = PodNamespaces.For(linux.SecurityContext?.NamespaceOptions);
        var sysctls = SysctlPolicy.Check(linux.Sysctls, namespaces);
        MandatoryAccessControl.CheckSandbox(linux.SecurityContext);
        var seccomp = SeccompProgramCompiler.Compile(SeccompProfileSelector.ForSandbox(linux.SecurityContext, SeccompHost.Local, handler.DefaultSeccomp));
        var cgroupParent = CgroupPath.Normalize(linux.CgroupParent.Length > 0 ? linux.CgroupParent : DefaultCgroupParent);

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var name = PodSandboxRecord.NameOf(metadata);
        if (store.Names.TryReserve(name, id) is { } existing)
        {
            throw new AlreadyExistsException($"pod sandbox name {name} is already reserved for sandbox {existing}");
        }
        await using var undo = new CleanupStack(log);
        undo.Push("release the pod name", () => store.Names.Release(name, id));
        using var held = await _locks.LockAsync(id, CancellationToken.None);

        var directory = DirectoryOf(id);
        Directory.CreateDirectory(directory.Path);
        undo.Push("remove the state dir", () => Directory.Delete(directory.Path, recursive: true));
        var hostNetwork = !namespaces.HasFlag(NamespaceKinds.Network);
        PodFiles.Write(directory, config, hostNetwork);
        if (namespaces.HasFlag(NamespaceKinds.Ipc))
        {
            Mounts.Tmpfs(directory.Shm, ShmOptions);
            undo.Push("unmount /dev/shm", () => Mounts.Unmount(directory.Shm));
        }

        var cgroupPath = $"{cgroupParent.TrimEnd('/')}/crishim-{id}";
        var createdCgroups = cgroups.Create(cgroupPath);
        undo.Push("remove the cgroup", () => RemoveCgroups(cgroupPath, createdCgroups));

        var pause = await launcher.StartAsync(handler.Helper, directory, new SandboxInitRequest
        {
            Namespaces = namespaces,
            Hostname = hostNetwork ? null : config.Hostname,
            Sysctls = sysctls,
            CgroupProcsFiles = cgroups.ProcsFiles(cgroupPath),
            Seccomp = seccomp,
        });
        undo.Push("stop pause", () => StopPause(pause));

        var pins = new NamespacePins(directory.Namespaces);
        undo.Push("unpin the namespaces", pins.Remove);
        pins.Pin(pause.Pid, namespaces);

        PodNetworkResult? attached = null;
        if (!hostNetwork)
        {
            attached = await network.SetUpAsync(NetworkRequest(id, pins.PathOf(NamespaceKinds.Network), config), cancel);
            undo.Push("tear down the network", () => network.TearDownAsync(id, CancellationToken.None));
        }

        store.Add(new PodSandboxRecord
        {
            Id = id,
            ConfigJson = PodSandboxRecord.ConfigToJson(config),
            RuntimeHandler = runtimeHandler,
            CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000,
            State = PodSandboxLifecycle.Ready,
            Namespaces = namespaces,
            CgroupPath = cgroupPath,
            CreatedCgroupParents = createdCgroups.Where(c => c != cgroupPath).ToList(),
            Pause = pause,
            Ips = attached?.Ips ?? [],
            CniResult = attached?.RawResult,
            NetworkAttached = attached is not null,
        });
        undo.Commit();
        Publish(id, ContainerEventType.ContainerCreatedEvent);
        Publish(id, ContainerEventType.ContainerStartedEvent);
        log.LogInformation("pod sandbox {Id} ({Name}) is ready: handler {Handler}, pause pid {Pid}, namespaces {Namespaces}, cgroup {Cgroup}, ips {Ips}",
            id, name, handler.Name.Length > 0 ? handler.Name : "default", pause.Pid, namespaces, cgroupPath, attached is null ? "host network" : string.Join(", ", attached.Ips));
        return id;
    }

    private static PodNetworkRequest NetworkRequest(string id, string netns, PodSandboxConfig config) => new(
        id,
        netns,
        config.Metadata.Name,
        config.Metadata.Namespace,
        config.Metadata.Uid,
        config.PortMappings.Select(p => new PodPortMapping(p.Protocol.ToString().ToLowerInvariant(), p.ContainerPort, p.HostPort, p.HostIp)).ToList(),
        config.DnsConfig is { } dns ? new PodDnsConfig(dns.Servers, dns.Searches, dns.Options) : null);
}
