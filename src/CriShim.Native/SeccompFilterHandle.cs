using CriShim.Native.Interop;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>A libseccomp <c>scmp_filter_ctx</c>; released with <c>seccomp_release</c>.</summary>
internal sealed class SeccompFilterHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SeccompFilterHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        Libseccomp.Release(handle);
        return true;
    }
}
