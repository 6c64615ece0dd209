namespace CriShim.Contract;

/// <summary>Cgroup interface files that both the daemon and the helper name.</summary>
public static class CgroupFileNames
{
    public const string Procs = "cgroup.procs";
    public const string MemoryEvents = "memory.events";
    public const string MemoryOomControl = "memory.oom_control";
}
