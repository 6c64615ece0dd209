using CriShim.Native;
using CriShim.Contract;
using static Tmds.Linux.LibC;

namespace CriShim.Helper.Container;

/// <summary>
/// The last steps of an init stage, on the main thread that then calls execve (runc's order): rlimits,
/// seccomp (without no_new_privs), bounding set, groups and ids (raw syscalls), capabilities,
/// no_new_privs, working directory, PATH lookup inside the container, clean signal state, seccomp (with
/// no_new_privs), execve. Returns only by throwing.
/// </summary>
internal static class ProcessExecution
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <param name="lastCapability">The kernel's last capability number, as the host sees it.</param>
    public static void Exec(ProcessSpec process, int lastCapability)
    {
        if (process.Args.Count == 0 || process.Args[0].Length == 0)
        {
            throw new InitStageException(StartFailure.InvalidSpec, "no command to run: args are empty");
        }
        ulong capabilities;
        try
        {
            // A capability the runtime lacks itself (this host's root has no CAP_SYS_RESOURCE) cannot be
            // granted; like containerd's privileged set ("all current capabilities"), it is left out.
            capabilities = CapabilityNames.MaskOf(process.Capabilities) & ThreadCapabilities.Permitted();
            foreach (var limit in process.Rlimits)
            {
                _ = ResourceLimits.ResourceOf(limit.Type) ?? throw new ArgumentException($"unknown rlimit {limit.Type}");
            }
        }
        catch (ArgumentException e)
        {
            throw new InitStageException(StartFailure.InvalidSpec, e.Message);
        }
        foreach (var limit in process.Rlimits)
        {
            ResourceLimits.Set(limit.Type, limit.Soft, limit.Hard);
        }
        // runc's order: without no_new_privs loading a filter needs CAP_SYS_ADMIN, so it goes before the drop.
        if (!process.NoNewPrivileges)
        {
            LoadSeccomp(process.Seccomp);
        }
        ThreadCapabilities.LimitBoundingSet(capabilities, lastCapability);
        ThreadCredentials.KeepCapabilitiesOnUidChange(true);
        ThreadCredentials.SetGroups(process.User.AdditionalGids);
        ThreadCredentials.SetUserAndGroup(process.User.Uid, process.User.Gid);
        ThreadCredentials.KeepCapabilitiesOnUidChange(false);
        ThreadCapabilities.Set(capabilities, capabilities, 0);
        if (process.NoNewPrivileges)
        {
            ThreadCredentials.SetNoNewPrivileges();
        }
        try
        {
            ContainerMounts.ChangeDirectory(process.WorkingDirectory);
        }
        catch (ErrnoException e)
        {
            throw new InitStageException(e.IsPermissionDenied ? StartFailure.PermissionDenied : StartFailure.Setup,
                $"chdir to cwd (\"{process.WorkingDirectory}\") set in the container spec failed: {e.Message}");
        }
        var path = Resolve(process.Args[0], process.Env);
        SignalDispositions.ResetForExec();
        Descriptors.SetCloseOnExecFrom(InitSyncChannel.ChildDescriptor);
        // With no_new_privs the filter may come last, so the fewest syscalls of ours run under it.
        if (process.NoNewPrivileges)
        {
            LoadSeccomp(process.Seccomp);
        }
        try
        {
            Processes.Exec(path, process.Args, process.Env);
        }
        catch (ErrnoException e) when (e.IsPermissionDenied)
        {
            throw new InitStageException(StartFailure.PermissionDenied, $"exec: \"{process.Args[0]}\": permission denied");
        }
        catch (ErrnoException e) when (e.IsNotFound || e.Errno == ENOTDIR)
        {
            throw new InitStageException(StartFailure.ExecutableNotFound, $"exec: \"{process.Args[0]}\": {e.Message}");
        }
    }

    private static void LoadSeccomp(SeccompProgram? program)
    {
        try
        {
            if (program is not null)
            {
                ThreadSeccomp.LoadFilter(program.Filter, program.LogActions, program.AllowSpeculation);
            }
        }
        catch (ArgumentException e)
        {
            throw new InitStageException(StartFailure.InvalidSpec, "seccomp: " + e.Message);
        }
        catch (ErrnoException e)
        {
            throw new InitStageException(StartFailure.Setup, "loading the seccomp filter: " + e.Message);
        }
    }

    /// <summary>The executable for <paramref name="command"/> as Go's exec.LookPath (which runc uses) finds it.</summary>
    private static string Resolve(string command, IReadOnlyList<string> env)
    {
        if (command.Contains('/'))
        {
            return FileStatus.Of(command) is null
                ? throw new InitStageException(StartFailure.ExecutableNotFound, $"exec: \"{command}\": stat {command}: no such file or directory")
                : command;
        }
        var searchPath = env.LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? DefaultPath;
        foreach (var directory in searchPath.Split(':'))
        {
            var candidate = Path.Combine(directory.Length == 0 ? "." : directory, command);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }
        throw new InitStageException(StartFailure.ExecutableNotFound, $"exec: \"{command}\": executable file not found in $PATH");
    }

    private static bool IsExecutableFile(string path)
    {
        try
        {
            return FileStatus.Of(path) is { Kind: not UnixFileKind.Directory } found &&
                (found.Mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (ErrnoException)
        {
            // A PATH entry the user may not search is skipped, as Go's LookPath does.
            return false;
        }
    }

    /// <summary>The exit code runc gives a command that could not be executed.</summary>
    public static int ExitCodeOf(StartFailure failure) => failure switch
    {
        StartFailure.ExecutableNotFound => 127,
        StartFailure.PermissionDenied => 126,
        _ => 128,
    };
}
