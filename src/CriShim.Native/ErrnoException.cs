using System.Runtime.InteropServices;

namespace CriShim.Native;

/// <summary>A failed Linux system call: the errno, the operation and what it acted on.</summary>
public sealed class ErrnoException : IOException
{
    public ErrnoException(int errno, string operation, string? target)
        : base(Describe(errno, operation, target))
    {
        Errno = errno;
        Operation = operation;
        Target = target;
    }

    public int Errno { get; }
    public string Operation { get; }
    public string? Target { get; }

    public bool IsNotFound => Errno == Tmds.Linux.LibC.ENOENT;
    public bool IsAlreadyExists => Errno == Tmds.Linux.LibC.EEXIST;
    public bool IsPermissionDenied => Errno is var e && (e == Tmds.Linux.LibC.EPERM || e == Tmds.Linux.LibC.EACCES);
    public bool IsBusy => Errno == Tmds.Linux.LibC.EBUSY;
    public bool IsNoSuchProcess => Errno == Tmds.Linux.LibC.ESRCH;
    public bool IsInvalid => Errno == Tmds.Linux.LibC.EINVAL;

    private static string Describe(int errno, string operation, string? target) =>
        target is null
            ? $"{operation}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})"
            : $"{operation} {target}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
