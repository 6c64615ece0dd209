using System.Globalization;
using System.Text.Json;
using CriShim.Native;
using CriShim.Contract;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Container;

/// <summary>
/// A container in the pod's user namespace: container-init (or exec-init) builds or joins its root with the host's
/// privileges, then this stage moves the process into the user namespace through <see cref="UserNamespaceEntry"/>,
/// keeping its pid (it stays its monitor's child), and execs <c>container-exec</c>, which sets the container's
/// credentials and execs the command as root of that namespace would. The mount namespace keeps belonging to the
/// host's user namespace, so nothing inside can mount or unmount in it, whatever its capabilities.
/// </summary>
internal sealed class ContainerUserNamespaceStage : IDisposable
{
    public const string Mode = "container-exec";

    /// <summary>The init stage's argument after the last capability when its launcher handed it <see cref="NamespaceDescriptor"/>.</summary>
    public const string Argument = "userns";

    /// <summary>
    /// Where an init stage finds the pod's user namespace, opened by its launcher in the host's view (the pin is not in
    /// the stage root): after stdio, the sync socket and exec-init's namespaces (4-7).
    /// </summary>
    public const int NamespaceDescriptor = 8;

    /// <summary>The process spec, as JSON in a sealed memfd: the spec file is out of view after pivot_root.</summary>
    private const int SpecDescriptor = 6;

    /// <summary>The container's root, to return to: the stage starts with the container's procfs as its root.</summary>
    private const int RootDescriptor = 7;

    /// <summary>The stage root's helper copy the stage runs, for the loader.</summary>
    private const int HelperDescriptor = 8;

    /// <summary>The loader's library directories, from here on.</summary>
    private const int FirstLibraryDescriptor = 9;

    private readonly SafeFileHandle _userNamespace;
    private readonly StageRootLoader _loader;

    private ContainerUserNamespaceStage(SafeFileHandle userNamespace, StageRootLoader loader)
    {
        _userNamespace = userNamespace;
        _loader = loader;
    }

    /// <summary>For a launcher: the pod's user namespace at <paramref name="path"/>, to hand to the init stage and id-map with.</summary>
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

    /// <summary>In the init stage, still in its stage root: takes <see cref="NamespaceDescriptor"/> and opens the stage root's helper and loader.</summary>
    public static ContainerUserNamespaceStage Prepare()
    {
        var userNamespace = new SafeFileHandle(NamespaceDescriptor, ownsHandle: true);
        try
        {
            return new ContainerUserNamespaceStage(userNamespace, StageRootLoader.Open());
        }
        catch
        {
            userNamespace.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Called in the container's root (pivoted, or joined): runs the stage through the stage root's loader, with the
    /// container's own procfs as the root meanwhile, so the loader finds no file of the container's (such as an
    /// <c>/etc/ld.so.preload</c>) and reaches the helper and its libraries only through descriptors. Returns
    /// only by throwing.
    /// </summary>
    public void Enter(ProcessSpec process, int lastCapability)
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
                [UserNamespaceEntry.ImageDescriptor] = _loader.Loader,
                [UserNamespaceEntry.NamespaceDescriptor] = _userNamespace,
                [SpecDescriptor] = spec,
                [RootDescriptor] = root,
                [HelperDescriptor] = _loader.Helper,
            };
            for (var i = 0; i < _loader.LibraryDirectories.Count; i++)
            {
                descriptors[FirstLibraryDescriptor + i] = _loader.LibraryDirectories[i];
            }
            // The procfs and the entry program are arranged too, above the rest, as one of them may sit on a target
            // number; this stage alone uses them, so they close at its exec.
            var procDescriptor = FirstLibraryDescriptor + _loader.LibraryDirectories.Count;
            descriptors[procDescriptor] = proc;
            descriptors[procDescriptor + 1] = entry;
            Descriptors.Arrange(descriptors);
            // The sync socket carries a failure of the next stage; nothing else of this one may cross.
            Descriptors.KeepOnExec(InitSyncChannel.ChildDescriptor);
            Descriptors.SetCloseOnExecFrom(procDescriptor);
            ProcessRoot.ChangeTo(new SafeFileHandle(procDescriptor, ownsHandle: false));
            var libraries = string.Join(':', Enumerable.Range(FirstLibraryDescriptor, _loader.LibraryDirectories.Count).Select(InProc));
            Processes.Exec(new SafeFileHandle(procDescriptor + 1, ownsHandle: false), ["ld.so", "--inhibit-cache", "--library-path", libraries,
                InProc(HelperDescriptor), Mode, lastCapability.ToString(CultureInfo.InvariantCulture)], []);
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

    public void Dispose()
    {
        _userNamespace.Dispose();
        _loader.Dispose();
    }
}
