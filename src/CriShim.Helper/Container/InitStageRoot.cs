using System.Globalization;
using CriShim.Contract;
using CriShim.Native;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Container;

/// <summary>
/// Where an init stage (container-init, exec-init) is born. A process in a pod reads the mountinfo of every
/// pid it sees, and with SYS_PTRACE its root and exe, so a stage must never appear in the pod's PID namespace
/// while it still has a host mount: the launching thread (monitor, exec) leaves the host's mount namespace for
/// a private copy (<see cref="Leave"/>), mounts a tmpfs, binds into it read-only what execve of this binary needs
/// (<see cref="HelperFiles"/>, from the shared sealed copy <see cref="SharedStageFiles"/>) and copies the spec
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
    /// Opens what <see cref="Populate"/> puts in the stage root, each with its path there: <paramref name="specFile"/>,
    /// to copy, and this binary with what its execve loads (<see cref="HelperFiles"/>): from the sealed shared copy in
    /// <paramref name="stageFiles"/> (<see cref="SharedStageFiles"/>), to bind, or from the host, to copy, when there is
    /// no copy of this build. Opened before the stage root's tmpfs is mounted, which may cover them.
    /// </summary>
    public static IReadOnlyList<StageContent> OpenContents(string specFile, string? stageFiles)
    {
        var files = HelperFiles.OfThisProcess().InRoot(Binary).ToList();
        using var shared = stageFiles is null ? null : SharedStageFiles.Find(stageFiles, files);
        var contents = new List<StageContent>();
        try
        {
            contents.Add(new StageContent(File.OpenHandle(specFile, FileMode.Open, FileAccess.Read), SpecFile, Bind: false));
            if (shared is null)
            {
                contents.AddRange(files.Select(f => new StageContent(File.OpenHandle(f.Source, FileMode.Open, FileAccess.Read), f.Target, Bind: false)));
            }
            else
            {
                foreach (var target in SharedBinds(files.Select(f => f.Target).ToList()))
                {
                    contents.Add(new StageContent(ResolvedPaths.OpenInRoot(shared, target)
                        ?? throw new InitStageException(StartFailure.Setup, $"{target} is missing from the helper's shared stage files"), target, Bind: true));
                }
            }
        }
        catch
        {
            contents.ForEach(c => c.Source.Dispose());
            throw;
        }
        return contents;
    }

    /// <summary>
    /// What of the shared copy is bound: a file at the root alone, any other with its whole directory of the copy (which
    /// holds only the helper's files). A directory descriptor opened before pivot_root (<see cref="StageRootLoader"/>)
    /// keeps finding its files after the stage root's mounts are detached only when they are not mounts of their own.
    /// </summary>
    private static IEnumerable<string> SharedBinds(IReadOnlyList<string> targets)
    {
        var directories = targets.Select(t => Path.GetDirectoryName(t)!).Where(d => d != "/").Distinct(StringComparer.Ordinal).ToList();
        return targets.Where(t => Path.GetDirectoryName(t) == "/")
            .Concat(directories.Where(d => !directories.Any(other => d.StartsWith(other + "/", StringComparison.Ordinal))));
    }

    /// <summary>Mounts the stage root's tmpfs at <paramref name="directory"/> (whose mount must not propagate anywhere).</summary>
    public static void Mount(string directory) =>
        ContainerMounts.Mount("tmpfs", directory, "tmpfs", MountFlags.NoSuid | MountFlags.NoDev, "mode=0755");

    /// <summary>
    /// Puts <paramref name="contents"/> (see <see cref="OpenContents"/>, closed here) into the stage root at
    /// <paramref name="directory"/>: a shared file or directory as a read-only bind of it, any other as a copy.
    /// </summary>
    public static void Populate(string directory, IReadOnlyList<StageContent> contents)
    {
        foreach (var (source, target, bind) in contents)
        {
            using (source)
            {
                var path = directory + target;
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                if (bind)
                {
                    if (ResolvedPaths.StatusOf(source).Kind == UnixFileKind.Directory)
                    {
                        Directory.CreateDirectory(path);
                    }
                    else
                    {
                        using (File.Create(path))
                        {
                        }
                    }
                    using var on = ResolvedPaths.OpenHost(path);
                    using var tree = ContainerMounts.CloneTree(source);
                    ContainerMounts.Attach(tree, on);
                    ContainerMounts.Remount(ResolvedPaths.ProcPath(tree), MountFlags.ReadOnly | MountFlags.NoSuid | MountFlags.NoDev);
                    continue;
                }
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

    /// <summary>A file for the stage root: <paramref name="Source"/> is bound there when <paramref name="Bind"/>, else copied.</summary>
    public sealed record StageContent(SafeFileHandle Source, string Target, bool Bind);

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
