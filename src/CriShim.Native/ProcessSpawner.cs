using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>
/// posix_spawn with explicit descriptors: the child gets exactly <c>Descriptors</c> (source handle →
/// child fd number, the copies lose close-on-exec), default signal dispositions and the given mask. It
/// runs in the calling thread's namespaces (PID 1 after that thread unshared CLONE_NEWPID).
/// </summary>
public sealed class ProcessSpawner
{
    public required string Path { get; init; }

    public required IReadOnlyList<string> Args { get; init; }

    public IReadOnlyList<string> Environment { get; init; } = [];

    /// <summary>Child fd number → handle in this process; fds not listed are closed by their close-on-exec flag.</summary>
    public IReadOnlyDictionary<int, SafeFileHandle> Descriptors { get; init; } = new Dictionary<int, SafeFileHandle>();

    /// <summary>Start the child in a new session (and process group), detached from any terminal.</summary>
    public bool NewSession { get; init; }

    public IReadOnlyList<int> BlockedSignals { get; init; } = [];

    /// <summary>The child's working directory; the caller's when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Spawns the child and returns its owner, which kills and reaps it unless it was waited for.</summary>
    public ChildProcess Start() => ChildProcess.Adopt(Spawn());

    /// <summary>
    /// Spawns the child and returns its bare pid: only for a child left to init (a detached stage that outlives
    /// the caller) or adopted at once by <see cref="ChildProcess.Adopt"/>.
    /// </summary>
    public unsafe int Spawn()
    {
        var attributes = default(Libc.SpawnAttributes);
        var actions = default(Libc.SpawnFileActions);
        Libc.PosixSpawnattrInit(ref attributes);
        Libc.PosixSpawnFileActionsInit(ref actions);
        try
        {
            var mask = Signals.SetOf(BlockedSignals);
            var defaults = Signals.SetOf(Enumerable.Range(1, 31).Where(s => s is not Signals.SIGKILL and not 19));
            Check(Libc.PosixSpawnattrSetsigmask(ref attributes, mask), "posix_spawnattr_setsigmask");
            Check(Libc.PosixSpawnattrSetsigdefault(ref attributes, defaults), "posix_spawnattr_setsigdefault");
            var flags = (short)(Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF | (NewSession ? Libc.POSIX_SPAWN_SETSID : 0));
            Check(Libc.PosixSpawnattrSetflags(ref attributes, flags), "posix_spawnattr_setflags");
            // dup2 onto itself would keep close-on-exec, and a target may be another entry's source:
            // copy every source above all of them first, then down to the targets.
            var ordered = Descriptors.OrderBy(d => d.Key).ToList();
            var staging = ordered.Select(d => (int)d.Value.DangerousGetHandle()).Append(ordered.Count == 0 ? 0 : ordered[^1].Key).Max() + 1;
            for (var i = 0; i < ordered.Count; i++)
            {
                Check(Libc.PosixSpawnFileActionsAdddup2(ref actions, (int)ordered[i].Value.DangerousGetHandle(), staging + i), "posix_spawn_file_actions_adddup2");
            }
            for (var i = 0; i < ordered.Count; i++)
            {
                Check(Libc.PosixSpawnFileActionsAdddup2(ref actions, staging + i, ordered[i].Key), "posix_spawn_file_actions_adddup2");
            }
            for (var i = 0; i < ordered.Count; i++)
            {
                Check(Libc.PosixSpawnFileActionsAddclose(ref actions, staging + i), "posix_spawn_file_actions_addclose");
            }
            if (WorkingDirectory is not null)
            {
                Check(Libc.PosixSpawnFileActionsAddchdir(ref actions, WorkingDirectory), "posix_spawn_file_actions_addchdir_np");
            }
            using var strings = new ExecStrings(Path, Args, Environment);
            Check(Libc.PosixSpawn(out var pid, strings.Path, actions, attributes, strings.Argv, strings.Envp), "posix_spawn", Path);
            return pid;
        }
        finally
        {
            Libc.PosixSpawnFileActionsDestroy(ref actions);
            Libc.PosixSpawnattrDestroy(ref attributes);
        }
    }

    private static void Check(int rc, string operation, string? target = null)
    {
        if (rc != 0)
        {
            throw new ErrnoException(rc, operation, target);
        }
    }
}
