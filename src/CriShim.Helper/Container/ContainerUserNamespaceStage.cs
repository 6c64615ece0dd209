using System.Globalization;
using System.Text.Json;
using CriShim.Native;
using CriShim.Native.Protocol;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Container;

/// <summary>
/// A container in the pod's user namespace: container-init (or exec-init) builds or joins its root with the host's
/// privileges, then this stage moves the process into the user namespace through <see cref="UserNamespaceEntry"/>,
/// keeping its pid (it stays its monitor's child), and execs <c>container-exec</c>, which sets the container's
/// credentials and execs the command as root of that namespace would. The mount namespace keeps belonging to the
/// host's user namespace, so nothing inside can mount or unmount in it, whatever its capabilities.
/// </summary>
internal static class ContainerUserNamespaceStage
{
    public const string Mode = "container-exec";

    /// <summary>The process spec, as JSON in a sealed memfd: the spec file is out of view after pivot_root.</summary>
    private const int SpecDescriptor = 6;

    /// <summary>The container's root, to return to: the stage starts with the container's procfs as its root.</summary>
    private const int RootDescriptor = 7;

    /// <summary>The sealed helper copy the stage runs, moved from <see cref="InitStageImage.ChildDescriptor"/> for the loader.</summary>
    private const int ImageDescriptor = 8;

    /// <summary>The loader's library directories, from here on.</summary>
    private const int FirstLibraryDescriptor = 9;

    public static SafeFileHandle Open(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InitStageException(StartFailure.Setup, $"opening the pod's user namespace {path}: {e.Message}");
        }
    }

    /// <summary>
    /// Called in the container's root (pivoted, or joined): runs the stage through the host's loader, with the
    /// container's own procfs as the root meanwhile, so the loader finds no file of the container's (such as an
    /// <c>/etc/ld.so.preload</c>) and reaches the helper and the host's libraries only through descriptors. Returns
    /// only by throwing.
    /// </summary>
    public static void Enter(ProcessSpec process, int lastCapability, SafeFileHandle userNamespace, HostLoader loader)
    {
        try
        {
            using var root = ResolvedPaths.OpenHost("/");
            using var proc = ResolvedPaths.OpenInRoot(root, "proc");
            if (proc is null || ResolvedPaths.FileSystemOf(proc) != ResolvedPaths.ProcFileSystem)
            {
                throw new InitStageException(StartFailure.Setup, "the container's /proc is not its procfs");
            }
            using var entry = UserNamespaceEntry.CreateJoining();
            using var spec = SealedMemoryFile.Of("process-spec", JsonSerializer.SerializeToUtf8Bytes(process, ContainerJsonContext.Default.ProcessSpec));
            var descriptors = new Dictionary<int, SafeFileHandle>
            {
                [UserNamespaceEntry.ImageDescriptor] = loader.Loader,
                [UserNamespaceEntry.NamespaceDescriptor] = userNamespace,
                [SpecDescriptor] = spec,
                [RootDescriptor] = root,
                [ImageDescriptor] = new SafeFileHandle(InitStageImage.ChildDescriptor, ownsHandle: false),
            };
            for (var i = 0; i < loader.LibraryDirectories.Count; i++)
            {
                descriptors[FirstLibraryDescriptor + i] = loader.LibraryDirectories[i];
            }
            Descriptors.Arrange(descriptors);
            // The sync socket carries a failure of the next stage; nothing else of this one may cross.
            Descriptors.KeepOnExec(InitSyncChannel.ChildDescriptor);
            Descriptors.SetCloseOnExecFrom(FirstLibraryDescriptor + loader.LibraryDirectories.Count);
            ProcessRoot.ChangeTo(proc);
            var libraries = string.Join(':', Enumerable.Range(FirstLibraryDescriptor, loader.LibraryDirectories.Count).Select(InProc));
            Processes.Exec(entry, ["ld.so", "--inhibit-cache", "--library-path", libraries, InProc(ImageDescriptor),
                Mode, lastCapability.ToString(CultureInfo.InvariantCulture)], []);
        }
        catch (ErrnoException e)
        {
            throw new InitStageException(StartFailure.Setup, "entering the pod's user namespace: " + e.Message);
        }

        static string InProc(int fd) => "/self/fd/" + fd.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary><c>container-exec &lt;last capability&gt;</c>, as root of the pod's user namespace: back to the container's root, then exec.</summary>
    public static int Run(int lastCapability) => InitStage.ExecPrepared(() =>
    {
        ProcessSpec? process;
        using (var file = new FileStream(new SafeFileHandle(SpecDescriptor, ownsHandle: true), FileAccess.Read))
        {
            process = JsonSerializer.Deserialize(file, ContainerJsonContext.Default.ProcessSpec);
        }
        using (var root = new SafeFileHandle(RootDescriptor, ownsHandle: true))
        {
            ProcessRoot.ChangeTo(root);
        }
        return process ?? throw new InitStageException(StartFailure.InvalidSpec, "the process spec is empty");
    }, lastCapability);
}
