using CriShim.Native;
using CriShim.Contract;

namespace CriShim.Helper.Container;

/// <summary>
/// What the last stage before a container process (container-init, exec-init) shares: wait for the
/// go-ahead on the sync socket, prepare, execve, and report any failure before execve back over the socket.
/// </summary>
internal static class InitStage
{
    /// <summary>
    /// Returns only when something failed, with the exit code that failure maps to. <paramref name="lastCapability"/>
    /// is the kernel's last capability number, read by the launcher in the host's view: the container's own
    /// /proc/sys/kernel/cap_last_cap may be a volume's fake.
    /// </summary>
    public static int ExecAfter(int lastCapability, Func<ProcessSpec> prepare) => Reporting(() =>
    {
        // Until execve this process holds root's capabilities and descriptors the command must not get:
        // nothing in the pod may open its /proc/<pid>/exe, root or fd without CAP_SYS_PTRACE.
        ThreadCredentials.SetNotDumpable();
        InitSyncChannel.WaitForGo();
        ProcessExecution.Exec(prepare(), lastCapability);
    });

    /// <summary>The stage after <see cref="ContainerUserNamespaceStage"/>: prepared and let go already, it only execs.</summary>
    public static int ExecPrepared(Func<ProcessSpec> read, int lastCapability) => Reporting(() =>
    {
        ThreadCredentials.SetNotDumpable();
        ProcessExecution.Exec(read(), lastCapability);
    });

    private static int Reporting(Action stage)
    {
        try
        {
            stage();
            return 1;
        }
        catch (InitStageException e)
        {
            return Report(e.Failure, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Report(StartFailure.Setup, e.Message);
        }
    }

    private static int Report(StartFailure failure, string message)
    {
        try
        {
            InitSyncChannel.Fail(failure, message);
        }
        catch (ErrnoException)
        {
            // The process waiting on the socket is gone: nobody is left to tell.
        }
        return ProcessExecution.ExitCodeOf(failure);
    }
}
