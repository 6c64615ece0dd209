using System.Runtime.InteropServices;

namespace CriShim.Streaming.Zlib;

/// <summary>
/// A <c>z_stream</c> in native memory (zlib checks that it never moves), ended and freed on release.
/// One deflater or inflater per handle.
/// </summary>
internal sealed unsafe class ZStreamHandle : SafeHandle
{
    private readonly bool _deflate;

    private ZStreamHandle(bool deflate) : base(0, ownsHandle: true)
    {
        _deflate = deflate;
        SetHandle((nint)NativeMemory.AllocZeroed((nuint)sizeof(LibZ.ZStream)));
    }

    public override bool IsInvalid => handle == 0;

    public LibZ.ZStream* Stream => (LibZ.ZStream*)handle;

    public static ZStreamHandle CreateDeflater(ReadOnlySpan<byte> dictionary)
    {
        var z = new ZStreamHandle(deflate: true);
        var rc = LibZ.DeflateInit2(z.Stream, LibZ.Z_DEFAULT_COMPRESSION, LibZ.Z_DEFLATED, LibZ.MAX_WBITS, LibZ.DEF_MEM_LEVEL,
            LibZ.Z_DEFAULT_STRATEGY, LibZ.ZlibVersion(), sizeof(LibZ.ZStream));
        Check(z, rc, "deflateInit2");
        fixed (byte* d = dictionary)
        {
            Check(z, LibZ.DeflateSetDictionary(z.Stream, d, (uint)dictionary.Length), "deflateSetDictionary");
        }
        return z;
    }

    public static ZStreamHandle CreateInflater()
    {
        var z = new ZStreamHandle(deflate: false);
        Check(z, LibZ.InflateInit(z.Stream, LibZ.ZlibVersion(), sizeof(LibZ.ZStream)), "inflateInit");
        return z;
    }

    protected override bool ReleaseHandle()
    {
        _ = _deflate ? LibZ.DeflateEnd(Stream) : LibZ.InflateEnd(Stream);
        NativeMemory.Free((void*)handle);
        return true;
    }

    private static void Check(ZStreamHandle z, int rc, string operation)
    {
        if (rc != LibZ.Z_OK)
        {
            var e = ZlibException.From(operation, rc, z.Stream);
            z.Dispose();
            throw e;
        }
    }
}
