using System.Security.Cryptography;
using CriShim.Native;
using CriShim.Contract;
using CriShim.Protocol.V1;
using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Network;
using CriShim.Runtime.Security;
using CriShim.Runtime.Store;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Sandbox;

public sealed partial class SandboxService
{
    /// <summary>
    /// Creates the pod: validation, name reservation, the record (creating), cgroup, state dir and files,
    /// /dev/shm, namespaces and pause (only where <see cref="PodInfra.NeedsPause"/>), pins, then the network. On any failure <see cref="RollBackAsync"/>
    /// undoes it from the record, as start-up recovery does after a crash.
    /// </summary>
    public async Task<string> RunAsync(PodSandboxConfig config, string runtimeHandler, CancellationToken cancel)
    {
        var steps = new StepTimings(log, "RunPodSandbox");
        var handler = handlers.Resolve(runtimeHandler);
        var metadata = config.Metadata;
        if (metadata is null || metadata.Name.Length == 0 || metadata.Namespace.Length == 0 || metadata.Uid.Length == 0)
        {
            throw new InvalidArgumentException("pod sandbox metadata needs a name, a namespace and a uid");
        }
        var linux = config.Linux ?? new LinuxPodSandboxConfig();
        var userNamespace = PodUserNamespace.For(linux.SecurityContext?.NamespaceOptions);
        var namespaces = PodNamespaces.For(linux.SecurityContext?.NamespaceOptions) | (userNamespace is null ? NamespaceKinds.None : NamespaceKinds.User);
        var sysctls = SysctlPolicy.Check(linux.Sysctls, namespaces);
        MandatoryAccessControl.CheckSandbox(linux.SecurityContext);
        var seccomp = SeccompProgramCompiler.Compile(SeccompProfileSelector.ForSandbox(linux.SecurityContext, SeccompHost.Local, handler.DefaultSeccomp));
        var cgroupParent = CgroupPath.Normalize(linux.CgroupParent.Length > 0 ? linux.CgroupParent : DefaultCgroupParent);
        CheckHostname(config.Hostname, namespaces);

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var name = PodSandboxRecord.NameOf(metadata);
        if (store.Names.TryReserve(name, id) is { } existing)
        {
            throw new AlreadyExistsException($"pod sandbox name {name} is already reserved for sandbox {existing}");
        }
        await using var undo = new CleanupStack(log);
        // The name goes with the record: a rollback that failed leaves both for RemovePodSandbox (as containerd does).
        undo.Push("release the pod name", () =>
        {
            if (store.FindAny(id) is null)
            {
                store.Names.Release(name, id);
            }
        });
        using var held = await _locks.LockAsync(id, CancellationToken.None);
        FaultPoint.Reach("run-pod.start");
        steps.Step("validate");

        // Intent before effect: the record names everything Run is about to acquire, so a crash at
        // any later instant leaves something start-up recovery can roll back.
        var cgroupPath = $"{cgroupParent.TrimEnd('/')}/crishim-{id}";
        var hostNetwork = !namespaces.HasFlag(NamespaceKinds.Network);
        var pauseless = !PodInfra.NeedsPause(namespaces);
        await using (await _cgroupParents.LockAsync())
        {
            store.Add(new PodSandboxRecord
            {
                Id = id,
                ConfigJson = PodSandboxRecord.ConfigToJson(config),
                RuntimeHandler = runtimeHandler,
                CreatedAt = CriTimestamp.Now(),
                State = PodSandboxLifecycle.Creating,
                Namespaces = namespaces,
                Pauseless = pauseless,
                CgroupPath = cgroupPath,
                CreatedCgroupParents = CgroupPath.Lineage(cgroupPath).SkipLast(1).Where(c => !cgroups.Exists(c)).ToList(),
            });
            undo.Push("roll back the half-made sandbox", () => RollBackAsync(id));
            steps.Step("record creating");
            cgroups.Create(cgroupPath);
        }
        steps.Step("cgroup");
        FaultPoint.Reach("run-pod.after-cgroup");

        var directory = DirectoryOf(id);
        PrivateDirectory.Create(directory.Path);
        PodFiles.Write(directory, config, hostNetwork);
        if (namespaces.HasFlag(NamespaceKinds.Ipc))
        {
            infra.MountShm(directory);
        }
        FaultPoint.Reach("run-pod.after-dirs");
        steps.Step("state files and shm");

        // sandbox-init puts itself, and so pause, into the cgroup first: until its pid is recorded, killing the cgroup finds pause.
        // Without pause it pins the namespaces itself (they would end with it); the rollback removes the pins either way.
        var pause = await infra.StartAsync(handler.Helper, directory, new SandboxInitRequest
        {
            Namespaces = namespaces,
            Hostname = hostNetwork ? null : config.Hostname,
            Sysctls = sysctls,
            Cgroups = cgroups.Placements(cgroupPath),
            Seccomp = pauseless ? null : seccomp,
            UserNamespace = userNamespace,
            PinDirectory = pauseless ? directory.Namespaces : null,
        });
        steps.Step(pauseless ? "sandbox-init and pins" : "sandbox-init and pause");
        if (!pauseless)
        {
            store.Update(id, r => r with { Pause = pause });
            steps.Step("record pause");
            FaultPoint.Reach("run-pod.after-pause");
            infra.Pin(directory, pause, namespaces);
            steps.Step("pins");
        }
        FaultPoint.Reach("run-pod.after-pins");

        // CniNetwork caches what ADD uses before it runs, so the rollback's tear-down can replay DEL.
        PodNetworkResult? attached = null;
        if (!hostNetwork)
        {
            attached = await network.SetUpAsync(NetworkRequest(id, new NamespacePins(directory.Namespaces).PathOf(NamespaceKinds.Network), config), cancel);
            FaultPoint.Reach("run-pod.after-cni");
        }
        FaultPoint.Reach("run-pod.before-record");
        steps.Step("cni");

        store.Update(id, r => r with
        {
            State = PodSandboxLifecycle.Ready,
            Ips = attached?.Ips ?? [],
            CniResult = attached?.RawResult,
            NetworkAttached = attached is not null,
        });
        undo.Commit();
        steps.Step("record ready");
        steps.Log(id);
        Publish(id, ContainerEventType.ContainerCreatedEvent);
        Publish(id, ContainerEventType.ContainerStartedEvent);
        log.LogInformation("pod sandbox {Id} ({Name}) is ready: handler {Handler}, {Holder}, namespaces {Namespaces}, cgroup {Cgroup}, ips {Ips}",
            id, name, handler.Name.Length > 0 ? handler.Name : "default", pauseless ? "no pause (pinned namespaces)" : $"pause pid {pause.Pid}",
            namespaces, cgroupPath, attached is null ? "host network" : string.Join(", ", attached.Ips));
        return id;
    }

    /// <summary>The kernel's limit (HOST_NAME_MAX); sethostname refuses a longer name with EINVAL.</summary>
    private const int MaxHostnameLength = 64;

    private static void CheckHostname(string hostname, NamespaceKinds namespaces)
    {
        if (namespaces.HasFlag(NamespaceKinds.Uts) && hostname.Length > MaxHostnameLength)
        {
            throw new InvalidArgumentException($"hostname '{hostname}' has {hostname.Length} characters; the kernel allows at most {MaxHostnameLength}");
        }
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
