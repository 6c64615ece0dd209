using System.Globalization;
using CriShim.Native;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Container;

/// <summary>
/// What an init stage (container-init, exec-init) is started from: a sealed memfd copy of this binary,
/// handed to the child as <see cref="ChildDescriptor"/> and executed through /proc/self/fd. Until its
/// execve of the container's command the stage is in the pod's PID namespace; its /proc/pid/exe then
/// names no host file, and the copy cannot be written (the CVE-2019-5736 class). The descriptor is
/// close-on-exec again before that execve (ProcessExecution).
/// </summary>
internal static class InitStageImage
{
    /// <summary>After stdio (0-2) and the sync socket (3).</summary>
    public const int ChildDescriptor = 4;

    public static string Path { get; } = "/proc/self/fd/" + ChildDescriptor.ToString(CultureInfo.InvariantCulture);

    public static SafeFileHandle Create() => SealedExecutable.CopyOf(Environment.ProcessPath!);
}
