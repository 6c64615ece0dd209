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

    /// <summary>Returns only by throwing.</summary>
    public static void Enter(ProcessSpec process, int lastCapability, SafeFileHandle userNamespace)
    {
        // The entry program runs the stage from the sealed helper copy this process was started from: both use fd 4
        // (UserNamespaceEntry.ImageDescriptor, InitStageImage.ChildDescriptor).
        try
        {
            using var entry = UserNamespaceEntry.CreateJoining();
            using var spec = SealedMemoryFile.Of("process-spec", JsonSerializer.SerializeToUtf8Bytes(process, ContainerJsonContext.Default.ProcessSpec));
            Descriptors.Duplicate(userNamespace, UserNamespaceEntry.NamespaceDescriptor);
            Descriptors.Duplicate(spec, SpecDescriptor);
            // The sync socket carries a failure of the next stage; nothing else of this one may cross.
            Descriptors.KeepOnExec(InitSyncChannel.ChildDescriptor);
            Descriptors.SetCloseOnExecFrom(SpecDescriptor + 1);
            Processes.Exec(entry, ["crishim-runtime", Mode, lastCapability.ToString(CultureInfo.InvariantCulture)], []);
        }
        catch (ErrnoException e)
        {
            throw new InitStageException(StartFailure.Setup, "entering the pod's user namespace: " + e.Message);
        }
    }

    /// <summary><c>container-exec &lt;last capability&gt;</c>, as root of the pod's user namespace.</summary>
    public static int Run(int lastCapability) => InitStage.ExecPrepared(() =>
    {
        using var file = new FileStream(new SafeFileHandle(SpecDescriptor, ownsHandle: true), FileAccess.Read);
        return JsonSerializer.Deserialize(file, ContainerJsonContext.Default.ProcessSpec)
            ?? throw new InitStageException(StartFailure.InvalidSpec, "the process spec is empty");
    }, lastCapability);
}
