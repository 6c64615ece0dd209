using System.Globalization;
using CriShim.Contract;
using CriShim.Native;
using CriShim.Protocol.V1;
using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Sandbox;

public sealed partial class SandboxService
{
    /// <summary>The interface kubelet takes as the pod's own (the one CNI_IFNAME names).</summary>
    public const string DefaultInterface = "eth0";

    /// <summary>The last CPU sample of each pod, for <c>usage_nano_cores</c>.</summary>
    private readonly CpuRateTracker _cpuRates = new();

    /// <summary>
    /// CPU, memory, processes and network of a ready pod, with the stats of each of its containers. A stopped pod
    /// has none (Unavailable), as in containerd: its processes and network are gone.
    /// </summary>
    public PodSandboxStatsResponse Stats(string idOrPrefix)
    {
        var record = store.Resolve(idOrPrefix) ?? throw new NotFoundException($"pod sandbox {idOrPrefix} not found");
        if (PodSandboxStatuses.StateOf(record, IsHeld(record)) != PodSandboxState.SandboxReady)
        {
            throw new UnavailableException($"pod sandbox {record.Id} is not ready: a stopped pod has no stats");
        }
        return new PodSandboxStatsResponse { Stats = StatsOf(record) };
    }

    /// <summary>Stats of the ready pods the filter selects (id or prefix, labels), as ListPodSandbox filters; stopped pods are left out.</summary>
    public ListPodSandboxStatsResponse ListStats(PodSandboxStatsFilter? filter)
    {
        var listFilter = new PodSandboxFilter
        {
            Id = filter?.Id ?? "",
            State = new PodSandboxStateValue { State = PodSandboxState.SandboxReady },
        };
        if (filter is not null)
        {
            listFilter.LabelSelector.Add(filter.LabelSelector);
        }
        var response = new ListPodSandboxStatsResponse();
        foreach (var pod in List(listFilter))
        {
            if (store.Find(pod.Id) is { } record)
            {
                response.Stats.Add(StatsOf(record));
            }
        }
        return response;
    }

    private PodSandboxStats StatsOf(PodSandboxRecord record)
    {
        var config = record.Config;
        var timestamp = CriTimestamp.Now();
        var podCgroups = PodCgroupsOf(record);
        var usage = podCgroups.Count == 1
            ? cgroups.ReadStats(podCgroups[0]) ?? CgroupStats.Empty
            : CgroupStats.Sum(podCgroups.Select(c => cgroups.ReadStats(c) ?? CgroupStats.Empty));
        var linux = new LinuxPodSandboxStats
        {
            Cpu = CriUsage.Cpu(usage, timestamp, _cpuRates.Rate(record.Id, timestamp, usage.CpuUsageNanoseconds)),
            Memory = CriUsage.Memory(usage, timestamp),
            Process = new ProcessUsage
            {
                Timestamp = timestamp,
                // Pause's and the containers' cgroups only: the monitors' cgroups beside them under the pod's parent are the runtime's.
                ProcessCount = new UInt64Value { Value = (ulong)new[] { record.CgroupPath }.Concat(containers.CgroupsOf(record.Id)).Sum(cgroups.ProcessCount) },
            },
            Containers = { containers.StatsOf(record.Id) },
        };
        if (NetworkOf(record, timestamp) is { } network)
        {
            linux.Network = network;
        }
        if (CriUsage.Io(usage, timestamp) is { } io)
        {
            linux.Io = io;
        }
        return new PodSandboxStats
        {
            Attributes = new PodSandboxAttributes
            {
                Id = record.Id,
                Metadata = config.Metadata,
                Labels = { config.Labels },
                Annotations = { config.Annotations },
            },
            Linux = linux,
        };
    }

    /// <summary>
    /// Where the pod's processes are accounted: its cgroup parent when no other pod shares it (the kubelet gives
    /// each pod its own <c>pod&lt;uid&gt;</c>), otherwise pause's cgroup and those of its containers.
    /// </summary>
    private IReadOnlyList<string> PodCgroupsOf(PodSandboxRecord record)
    {
        var parent = ParentOf(record.CgroupPath);
        return parent != "/" && store.All.All(r => r.Id == record.Id || ParentOf(r.CgroupPath) != parent)
            ? [parent]
            : [record.CgroupPath, .. containers.CgroupsOf(record.Id)];
    }

    private static string ParentOf(string cgroupPath) => cgroupPath[..cgroupPath.LastIndexOf('/')] is { Length: > 0 } parent ? parent : "/";

    /// <summary>
    /// The pod's interfaces (loopback left out, as cAdvisor does), read from <c>/proc/&lt;pid&gt;/net/dev</c> of a process
    /// in the pod's network namespace, which the kernel answers from that namespace: no daemon thread enters it.
    /// The process is pause, or, in a pod without pause, one of its containers'; it counts only while its
    /// <c>ns/net</c> is the pinned one before and after the read, so a pid that ended (or a container that moved
    /// itself elsewhere) lends nothing. Null for host-network pods and when no process is in the namespace (a pod
    /// without pause and without a running container).
    /// </summary>
    private NetworkUsage? NetworkOf(PodSandboxRecord record, long timestamp)
    {
        if (!record.Namespaces.HasFlag(NamespaceKinds.Network))
        {
            return null;
        }
        var pin = new NamespacePins(DirectoryOf(record.Id).Namespaces).PathOf(NamespaceKinds.Network);
        IReadOnlyList<NetworkInterfaceCounters>? counters = null;
        foreach (var pid in ProcessesOf(record))
        {
            if (InNamespace(pid, pin) && NetworkInterfaceCounters.ReadOf(pid) is { Count: > 0 } read && InNamespace(pid, pin))
            {
                counters = read;
                break;
            }
        }
        var interfaces = counters?.Where(i => i.Name != "lo").ToList() ?? [];
        if (interfaces.Count == 0)
        {
            return null;
        }
        var network = new NetworkUsage { Timestamp = timestamp };
        network.Interfaces.AddRange(interfaces.Select(ToCri));
        if (interfaces.FirstOrDefault(i => i.Name == DefaultInterface) is { } primary)
        {
            network.DefaultInterface = ToCri(primary);
        }
        return network;
    }

    /// <summary>Pause, then the processes of the pod's container cgroups, read lazily (the first one in the namespace ends the search).</summary>
    private IEnumerable<int> ProcessesOf(PodSandboxRecord record)
    {
        if (record.Pause.Pid > 0)
        {
            yield return record.Pause.Pid;
        }
        foreach (var cgroup in containers.CgroupsOf(record.Id))
        {
            foreach (var pid in CgroupProcesses(cgroup))
            {
                yield return pid;
            }
        }
    }

    private IReadOnlyList<int> CgroupProcesses(string cgroup)
    {
        foreach (var procs in cgroups.ProcsFiles(cgroup))
        {
            try
            {
                return File.ReadAllLines(procs).Select(line => int.Parse(line, CultureInfo.InvariantCulture)).ToList();
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
            {
                // Not in this hierarchy (or just removed): the next one, if any.
            }
        }
        return [];
    }

    private static bool InNamespace(int pid, string pin)
    {
        try
        {
            return Namespaces.AreSame($"/proc/{pid}/ns/net", pin);
        }
        catch (ErrnoException)
        {
            return false;
        }
    }

    private static NetworkInterfaceUsage ToCri(NetworkInterfaceCounters counters) => new()
    {
        Name = counters.Name,
        RxBytes = new UInt64Value { Value = counters.RxBytes },
        RxErrors = new UInt64Value { Value = counters.RxErrors },
        TxBytes = new UInt64Value { Value = counters.TxBytes },
        TxErrors = new UInt64Value { Value = counters.TxErrors },
    };
}
