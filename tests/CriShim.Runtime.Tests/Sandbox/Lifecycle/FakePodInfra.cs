using System.Diagnostics;
using CriShim.Contract;
using CriShim.Native;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Tests.Sandbox.Lifecycle;

/// <summary>
/// The host side of pods without root: pause is a real <c>sleep</c> this side starts and writes into the pod's
/// <c>cgroup.procs</c>, as sandbox-init joins the cgroup before it spawns pause; pins are plain files naming pause's
/// pid, /dev/shm a plain directory. Any step can be told to fail once, and sandbox-init to hang (the daemon dies
/// waiting for it) once pause runs. Shared by the daemon instances of one test, as pods outlive a daemon restart.
/// </summary>
internal sealed class FakePodInfra : IPodInfraRuntime, IDisposable
{
    private static readonly NamespaceKinds[] Pinnable = [NamespaceKinds.Network, NamespaceKinds.Ipc, NamespaceKinds.Uts, NamespaceKinds.Pid, NamespaceKinds.User];

    private readonly Lock _lock = new();
    private readonly List<Process> _processes = [];
    private readonly List<ProcessIdentity> _pauses = [];

    /// <summary>The step (a method name of <see cref="IPodInfraRuntime"/>) whose next call fails.</summary>
    public string? FailingStep { get; set; }

    /// <summary>Whether the next sandbox-init starts pause in the cgroup and then never answers.</summary>
    public bool StartHangs { get; set; }

    /// <summary>How many sandbox-inits hang now.</summary>
    public int Hanging { get; private set; }

    /// <summary>Every pause started, running or not.</summary>
    public IReadOnlyList<ProcessIdentity> Pauses
    {
        get
        {
            lock (_lock)
            {
                return [.. _pauses];
            }
        }
    }

    public void MountShm(SandboxDirectory directory)
    {
        FailIfAsked(nameof(MountShm));
        Directory.CreateDirectory(directory.Shm);
    }

    public async Task<ProcessIdentity> StartAsync(RuntimeHelperBinary helper, SandboxDirectory directory, SandboxInitRequest request)
    {
        FailIfAsked(nameof(StartAsync));
        if (request.PinDirectory is not null)
        {
            // sandbox-init of a pod without pause pins its own namespaces and exits.
            WritePins(directory, Environment.ProcessId, request.Namespaces);
            return await AnswerAsync(default);
        }
        var process = Process.Start(new ProcessStartInfo("/bin/sleep", "infinity") { UseShellExecute = false })!;
        var pause = ProcessIdentity.Find(process.Id) ?? throw new IOException($"pause (pid {process.Id}) exited right after it started");
        lock (_lock)
        {
            _processes.Add(process);
            _pauses.Add(pause);
        }
        await File.AppendAllTextAsync(Path.Combine(request.Cgroups[0].Directory, CgroupFileNames.Procs), $"{pause.Pid}\n");
        return await AnswerAsync(pause);
    }

    public void Pin(SandboxDirectory directory, ProcessIdentity pause, NamespaceKinds kinds)
    {
        FailIfAsked(nameof(Pin));
        WritePins(directory, pause.Pid, kinds);
    }

    public bool IsHeld(PodSandboxRecord record, SandboxDirectory directory) =>
        record.Pauseless ? PinsOf(directory, record.Namespaces).All(File.Exists) : record.Pause.IsAlive;

    public bool Signal(ProcessIdentity pause, int signal) => Processes.Signal(pause, signal);

    public bool WaitForExit(ProcessIdentity pause, TimeSpan timeout) => Processes.WaitForExit(pause, timeout);

    public void Release(SandboxDirectory directory)
    {
        FailIfAsked(nameof(Release));
        if (Directory.Exists(directory.Namespaces))
        {
            Directory.Delete(directory.Namespaces, recursive: true);
        }
        if (Directory.Exists(directory.Shm))
        {
            Directory.Delete(directory.Shm, recursive: true);
        }
    }

    /// <summary>The pin files of <paramref name="kinds"/>, where the real pins would be.</summary>
    public static IEnumerable<string> PinsOf(SandboxDirectory directory, NamespaceKinds kinds) =>
        Pinnable.Where(k => kinds.HasFlag(k)).Select(new NamespacePins(directory.Namespaces).PathOf);

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }
            process.Dispose();
        }
    }

    private static void WritePins(SandboxDirectory directory, int pid, NamespaceKinds kinds)
    {
        Directory.CreateDirectory(directory.Namespaces);
        foreach (var pin in PinsOf(directory, kinds))
        {
            File.WriteAllText(pin, $"{pid}\n");
        }
    }

    private Task<ProcessIdentity> AnswerAsync(ProcessIdentity pause)
    {
        if (StartHangs)
        {
            StartHangs = false;
            Hanging++;
            return new TaskCompletionSource<ProcessIdentity>().Task;
        }
        return Task.FromResult(pause);
    }

    private void FailIfAsked(string step)
    {
        if (FailingStep == step)
        {
            FailingStep = null;
            throw new IOException($"{step} failed as the test asked");
        }
    }
}
