using System.Text.Json;
using CriShim.Native;
using CriShim.Contract;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper;

/// <summary>
/// Creates a pod's namespaces and its pause process, then exits so pause is not the daemon's child; or, for a
/// pod without pause, pins the namespaces and exits, leaving no process behind.
/// Everything runs on the main thread: unshare moves only the calling thread (DESIGN.md), and
/// posix_spawn from that thread puts pause in its namespaces.
/// </summary>
internal static class SandboxInitMode
{
    /// <summary>The mode a pod with its own user namespace continues in, inside it (see <see cref="NewUserNamespace"/>).</summary>
    public const string UserNamespaceMode = "sandbox-init-userns";

    public static int Run(string requestFile) => Answer(() =>
    {
        var request = Deserialize(File.ReadAllBytes(requestFile), requestFile);
        JoinCgroup(request);
        if (request.UserNamespace is not { } mappings)
        {
            return Execute(request);
        }
        // The child answers on the same stdout (a child that died unanswered leaves the daemon an empty one);
        // root of the new namespace cannot read the request file, so it gets the open file.
        using var file = File.OpenHandle(requestFile, FileMode.Open, FileAccess.Read);
        NewUserNamespace.Run(mappings, UserNamespaceMode, file);
        return null;
    });

    /// <summary>Inside the pod's new user namespace, in its cgroup already: the rest of <see cref="Run"/>.</summary>
    public static int RunInUserNamespace() => Answer(() =>
    {
        using var buffer = new MemoryStream();
        using (var file = new FileStream(new SafeFileHandle(NewUserNamespace.RequestDescriptor, ownsHandle: true), FileAccess.Read))
        {
            file.CopyTo(buffer);
        }
        // Nothing the entry program passed on past stdio may reach pause.
        Descriptors.SetCloseOnExecFrom(3);
        return Execute(Deserialize(buffer.ToArray(), "the request descriptor"));
    });

    /// <summary>Writes the response for pause's pid (0: none), or for what went wrong; null: another process answered.</summary>
    private static int Answer(Func<int?> start)
    {
        SandboxInitResponse response;
        try
        {
            if (start() is not { } pausePid)
            {
                return 0;
            }
            response = new SandboxInitResponse { PausePid = pausePid };
        }
        catch (InvalidSysctlException e)
        {
            response = new SandboxInitResponse { Error = e.Message, InvalidRequest = true };
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or JsonException or ArgumentException)
        {
            response = new SandboxInitResponse { Error = e.Message };
        }
        StandardOutput.Write(JsonSerializer.SerializeToUtf8Bytes(response, HelperJsonContext.Default.SandboxInitResponse));
        return response.Error is null ? 0 : 1;
    }

    private static SandboxInitRequest Deserialize(byte[] json, string source) =>
        JsonSerializer.Deserialize(json, HelperJsonContext.Default.SandboxInitRequest)
            ?? throw new InvalidDataException($"{source} holds no request");

    private static void JoinCgroup(SandboxInitRequest request) => CgroupMembership.Join(request.Cgroups, Environment.ProcessId);

    private static int Execute(SandboxInitRequest request)
    {
        var shared = request.Namespaces & (NamespaceKinds.Network | NamespaceKinds.Uts | NamespaceKinds.Ipc);
        Namespaces.UnshareCurrentThread(shared);
        if (shared.HasFlag(NamespaceKinds.Uts) && request.Hostname is { Length: > 0 } hostname)
        {
            Namespaces.SetHostname(hostname);
        }
        if (shared.HasFlag(NamespaceKinds.Network))
        {
            NetworkInterfaces.BringUp("lo");
        }
        foreach (var (name, value) in request.Sysctls)
        {
            WriteSysctl(name, value);
        }
        if (request.PinDirectory is { } pins)
        {
            // The namespaces live as long as this thread or the pins: with the pins made, exiting ends nothing.
            new NamespacePins(pins).PinCurrentThread(shared);
            return 0;
        }
        if (request.Namespaces.HasFlag(NamespaceKinds.Pid))
        {
            Namespaces.UnshareCurrentThread(NamespaceKinds.Pid);
        }
        var self = Environment.ProcessPath!;
        if (request.Seccomp is not { } seccomp)
        {
            return Processes.SpawnDetached(self, [self, "pause"], [], PauseMode.BlockedSignals);
        }
        // Pause builds its confined root with mount calls a pod's filter forbids, so it loads the filter
        // itself once that is done; the program reaches it through a pipe (it is far below the pipe's buffer).
        var (read, write) = Descriptors.CreatePipe();
        using (read)
        {
            using (var program = new FileStream(write, FileAccess.Write))
            {
                JsonSerializer.Serialize(program, seccomp, HelperJsonContext.Default.SeccompProgram);
            }
            return Processes.SpawnDetached(self, [self, "pause", PauseMode.SeccompArgument], [], PauseMode.BlockedSignals,
                new Dictionary<int, SafeFileHandle> { [PauseMode.SeccompDescriptor] = read });
        }
    }

    /// <summary>
    /// Writes one sysctl under /proc/sys. The kernel resolves /proc/sys/net and the IPC entries through
    /// the writing thread's namespaces, so this must stay on the thread that unshared them. The file is
    /// opened beneath /proc/sys/&lt;first component&gt; with no "..", symlink or mount crossing on the way, so a
    /// name can only ever reach a file below the prefix the daemon allowed.
    /// </summary>
    private static void WriteSysctl(string name, string value)
    {
        var path = SysctlPath(name);
        var slash = path.IndexOf('/');
        if (slash <= 0)
        {
            throw new InvalidSysctlException($"sysctl {name} names no file below a /proc/sys directory");
        }
        var prefix = path[..slash];
        try
        {
            using var directory = ResolvedPaths.OpenHost("/proc/sys/" + prefix);
            if (ResolvedPaths.FileSystemOf(directory) != ResolvedPaths.ProcFileSystem)
            {
                throw new InvalidSysctlException($"sysctl {name}: /proc/sys/{prefix} is not on procfs");
            }
            using var file = ResolvedPaths.OpenBeneathForWriting(directory, path[(slash + 1)..]);
            RandomAccess.Write(file, System.Text.Encoding.UTF8.GetBytes(value), 0);
        }
        catch (ErrnoException e) when (e.IsNotFound)
        {
            throw new InvalidSysctlException($"sysctl {name}: the kernel has no /proc/sys/{path}");
        }
        catch (IOException e)
        {
            throw new InvalidSysctlException($"sysctl {name}={value}: {e.Message}");
        }
    }

    /// <summary>
    /// Kubernetes writes sysctls with dots, or with slashes when a component (an interface name) has dots:
    /// <c>net.ipv4.conf.eth0/100.forwarding</c> is <c>net/ipv4/conf/eth0.100/forwarding</c>.
    /// </summary>
    private static string SysctlPath(string name) =>
        string.Create(name.Length, name, (span, n) =>
        {
            for (var i = 0; i < n.Length; i++)
            {
                span[i] = n[i] switch { '.' => '/', '/' => '.', var c => c };
            }
        });

    private sealed class InvalidSysctlException(string message) : Exception(message);
}
