using System.Globalization;
using CriShim.Native;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Container;

/// <summary>
/// Where an init stage (container-init, exec-init) is born. A process in a pod reads the mountinfo of every
/// pid it sees, and with SYS_PTRACE its root and exe, so a stage must never appear in the pod's PID namespace
/// while it still has a host mount: the launching thread (monitor, exec) leaves the host's mount namespace for
/// a private copy (<see cref="Leave"/>), mounts a tmpfs, copies into it what execve of this binary needs
/// (the binary, the loader and libraries at the paths the loader used, its cache) and the spec
/// (<see cref="OpenContents"/>, <see cref="Populate"/>), pivots into it, which detaches every host mount, and makes it read-only
/// (<see cref="Enter"/>). Only then does it join the pod's PID namespace and spawn the stage
/// (<see cref="Spawn"/>), whose /proc/self/exe is that read-only copy. <see cref="Dispose"/> takes the
/// thread back to the host's mount namespace.
/// </summary>
internal sealed class InitStageRoot : IDisposable
{
    /// <summary>The stage's executable, inside the stage root.</summary>
    public const string Binary = "/crishim-runtime";

    /// <summary>The spec, copied into the stage root.</summary>
    public const string SpecFile = "/spec.json";

    private const string LoaderCache = "/etc/ld.so.cache";

    private readonly SafeFileHandle _hostMounts;
    private readonly SafeFileHandle _ownPid;

    private InitStageRoot(SafeFileHandle hostMounts, SafeFileHandle ownPid)
    {
        _hostMounts = hostMounts;
        _ownPid = ownPid;
    }

    /// <summary>Moves the calling (main) thread into a private copy of its mount namespace, until disposed.</summary>
    public static InitStageRoot Leave()
    {
        var hostMounts = Namespaces.Open("/proc/thread-self/ns/mnt");
        var ownPid = Namespaces.Open("/proc/thread-self/ns/pid");
        try
        {
            Namespaces.UnshareCurrentThread(NamespaceKinds.Mount);
        }
        catch
        {
            hostMounts.Dispose();
            ownPid.Dispose();
            throw;
        }
        return new InitStageRoot(hostMounts, ownPid);
    }

    /// <summary>
    /// Opens what <see cref="Populate"/> copies: this binary, what its execve loads and <paramref name="specFile"/>, each with
    /// its path inside the stage root. Opened before the stage root's tmpfs is mounted, which may cover them.
    /// </summary>
    public static IReadOnlyList<(SafeFileHandle Source, string Target)> OpenContents(string specFile)
    {
        var paths = new[] { (Source: Environment.ProcessPath!, Target: Binary), (Source: specFile, Target: SpecFile) }
            .Concat(LoadedObjects.Paths().Append(LoaderCache).Where(File.Exists).Select(path => (Source: path, Target: path)))
            .DistinctBy(c => c.Target, StringComparer.Ordinal);
        var contents = new List<(SafeFileHandle, string)>();
        try
        {
            foreach (var (source, target) in paths)
            {
                contents.Add((File.OpenHandle(source, FileMode.Open, FileAccess.Read), target));
            }
        }
        catch
        {
            contents.ForEach(c => c.Item1.Dispose());
            throw;
        }
        return contents;
    }

    /// <summary>Mounts the stage root's tmpfs at <paramref name="directory"/> (whose mount must not propagate anywhere).</summary>
    public static void Mount(string directory) =>
        ContainerMounts.Mount("tmpfs", directory, "tmpfs", MountFlags.NoSuid | MountFlags.NoDev, "mode=0755");

    /// <summary>Copies <paramref name="contents"/> (see <see cref="OpenContents"/>, closed here) into the stage root at <paramref name="directory"/>.</summary>
    public static void Populate(string directory, IReadOnlyList<(SafeFileHandle Source, string Target)> contents)
    {
        foreach (var (source, target) in contents)
        {
            using (source)
            {
                var path = directory + target;
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                using var from = new FileStream(source, FileAccess.Read);
                using var to = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = File.GetUnixFileMode(source),
                });
                from.CopyTo(to);
            }
        }
        Directory.CreateDirectory(directory + "/proc");
    }

    /// <summary>Makes the populated stage root at <paramref name="directory"/> the thread's root, without any host mount, read-only.</summary>
    public static void Enter(string directory)
    {
        ContainerMounts.PivotRoot(directory);
        ContainerMounts.Remount("/", MountFlags.ReadOnly | MountFlags.NoSuid | MountFlags.NoDev);
    }

    /// <summary>
    /// Joins the target PID namespace for children (<paramref name="joinPidNamespace"/>), spawns the stage from
    /// <see cref="Binary"/> in a new session with <paramref name="mode"/>, the spec and the last capability
    /// number as arguments (and the pod's <paramref name="userNamespace"/>, see <see cref="ContainerUserNamespaceStage"/>),
    /// and points the thread's children back at its own PID namespace.
    /// </summary>
    public int Spawn(Action joinPidNamespace, string mode, int lastCapability, IReadOnlyDictionary<int, SafeFileHandle> descriptors,
        SafeFileHandle? userNamespace)
    {
        string[] args = [Binary, mode, SpecFile, lastCapability.ToString(CultureInfo.InvariantCulture)];
        if (userNamespace is not null)
        {
            descriptors = new Dictionary<int, SafeFileHandle>(descriptors) { [ContainerUserNamespaceStage.NamespaceDescriptor] = userNamespace };
            args = [.. args, ContainerUserNamespaceStage.Argument];
        }
        joinPidNamespace();
        try
        {
            return new ProcessSpawner { Path = Binary, Args = args, Descriptors = descriptors, NewSession = true }.Spawn();
        }
        finally
        {
            // After joining a PID namespace the thread cannot create threads until its children's namespace is its own again.
            Namespaces.JoinCurrentThread(_ownPid, NamespaceKinds.Pid);
        }
    }

    public void Dispose()
    {
        try
        {
            Namespaces.JoinCurrentThread(_hostMounts, NamespaceKinds.Mount);
        }
        finally
        {
            _hostMounts.Dispose();
            _ownPid.Dispose();
        }
    }
}
