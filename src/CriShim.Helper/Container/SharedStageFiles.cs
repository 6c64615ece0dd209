using System.Text;
using CriShim.Contract;
using CriShim.Native;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Container;

/// <summary>
/// One copy of the helper's files (<see cref="HelperFiles"/>, laid out as in a stage root) per helper build, which
/// every stage root binds instead of copying about 6.5 MB at each start and exec. The copy is a tmpfs of its own in
/// the daemon's state directory (<see cref="StageFileCopies"/>), named after the identity (device, inode, size,
/// times) of the running executable and of every file the loader read, filled once under a lock and then remounted
/// read-only as a file system. A modified copy is impossible rather than detected: with the superblock read-only no
/// process can open any of its files for writing, through whatever mount, path, descriptor or /proc/&lt;pid&gt;/exe
/// (EROFS, whatever its capabilities), and making it writable again takes a remount in the host's mount namespace,
/// which no container can reach. A copy that does not match the running build, or is not sealed, is never used.
/// </summary>
internal static class SharedStageFiles
{
    private const long TmpfsMagic = 0x01021994;

    /// <summary>In a launcher, still in the host's mount namespace: makes the copy for this build unless it exists.</summary>
    public static void Ensure(string directory)
    {
        try
        {
            var files = HelperFiles.OfThisProcess().InRoot(InitStageRoot.Binary).ToList();
            var name = Fingerprint(files);
            using (var found = Find(directory, name))
            {
                if (found is not null)
                {
                    return;
                }
            }
            PrivateDirectory.Create(directory);
            using var held = FileLock.Exclusive(Path.Combine(directory, StageFileCopies.LockFile));
            using (var found = Find(directory, name))
            {
                if (found is not null)
                {
                    return;
                }
            }
            var copy = Path.Combine(directory, name);
            // A helper killed while filling left its copy mounted but writable: start again on a fresh tmpfs.
            while (Mounts.Unmount(copy))
            {
            }
            PrivateDirectory.Create(copy);
            Mounts.Tmpfs(copy, "mode=0700", executable: true);
            foreach (var (source, target) in files)
            {
                var path = copy + target;
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                using var from = new FileStream(File.OpenHandle(source, FileMode.Open, FileAccess.Read), FileAccess.Read);
                using var to = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = File.GetUnixFileMode(from.SafeFileHandle) & ~Writable,
                });
                from.CopyTo(to);
            }
            Mounts.SealReadOnly(copy);
        }
        catch (ErrnoException e)
        {
            throw new InitStageException(StartFailure.Setup, $"copying the helper's files into {directory}: {e.Message}");
        }
    }

    /// <summary>An O_PATH descriptor of the sealed copy for this build in <paramref name="directory"/>, or null when there is none.</summary>
    public static SafeFileHandle? Find(string directory, IReadOnlyList<(string Source, string Target)> files) => Find(directory, Fingerprint(files));

    private const UnixFileMode Writable = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private static SafeFileHandle? Find(string directory, string name)
    {
        SafeFileHandle parent;
        try
        {
            parent = ResolvedPaths.OpenHost(directory);
        }
        catch (ErrnoException e) when (e.IsNotFound)
        {
            return null;
        }
        using (parent)
        {
            var copy = ResolvedPaths.OpenEntry(parent, name);
            if (copy is not null && ResolvedPaths.FileSystemOf(copy) == TmpfsMagic && ResolvedPaths.IsOnReadOnlyMount(copy))
            {
                return copy;
            }
            copy?.Dispose();
            return null;
        }
    }

    /// <summary>
    /// The copy's name: a digest (64-bit FNV-1a) of each file's path in the root and identity, so a rebuilt or upgraded
    /// file makes a new copy. Not a cryptographic hash on purpose: that would load OpenSSL into this process, and
    /// <see cref="HelperFiles"/> would list it from then on. Nobody but root on the host can make a copy, so a name
    /// only tells builds apart.
    /// </summary>
    private static string Fingerprint(IReadOnlyList<(string Source, string Target)> files)
    {
        var hash = 0xcbf29ce484222325UL;
        foreach (var (source, target) in files)
        {
            using var file = ResolvedPaths.OpenHost(source);
            foreach (var b in Encoding.UTF8.GetBytes($"{target}={FileStatus.IdentityOf(file)}\n"))
            {
                hash = (hash ^ b) * 0x100000001b3UL;
            }
        }
        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }
}
