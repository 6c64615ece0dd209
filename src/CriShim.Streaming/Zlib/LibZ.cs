using System.Runtime.InteropServices;

namespace CriShim.Streaming.Zlib;

/// <summary>
/// The system zlib (<c>libz.so.1</c>): .NET's own deflate has no preset dictionary, which SPDY header
/// blocks need. Names and constants as in <c>zlib.h</c>.
/// </summary>
internal static unsafe partial class LibZ
{
    private const string Name = "libz.so.1";

    public const int Z_OK = 0;
    public const int Z_STREAM_END = 1;
    public const int Z_NEED_DICT = 2;
    public const int Z_BUF_ERROR = -5;
    public const int Z_SYNC_FLUSH = 2;
    public const int Z_DEFAULT_COMPRESSION = -1;
    public const int Z_DEFLATED = 8;
    public const int Z_DEFAULT_STRATEGY = 0;
    public const int MAX_WBITS = 15;
    public const int DEF_MEM_LEVEL = 8;

    /// <summary><c>z_stream</c> on LP64: zlib keeps a pointer to it, so it lives in native memory.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ZStream
    {
        public byte* next_in;
        public uint avail_in;
        public nuint total_in;
        public byte* next_out;
        public uint avail_out;
        public nuint total_out;
        public byte* msg;
        public nint state;
        public nint zalloc;
        public nint zfree;
        public nint opaque;
        public int data_type;
        public nuint adler;
        public nuint reserved;
    }

    [LibraryImport(Name, EntryPoint = "zlibVersion")]
    public static partial byte* ZlibVersion();

    [LibraryImport(Name, EntryPoint = "deflateInit2_")]
    public static partial int DeflateInit2(ZStream* stream, int level, int method, int windowBits, int memLevel, int strategy, byte* version, int streamSize);

    [LibraryImport(Name, EntryPoint = "deflateSetDictionary")]
    public static partial int DeflateSetDictionary(ZStream* stream, byte* dictionary, uint length);

    [LibraryImport(Name, EntryPoint = "deflate")]
    public static partial int Deflate(ZStream* stream, int flush);

    [LibraryImport(Name, EntryPoint = "deflateEnd")]
    public static partial int DeflateEnd(ZStream* stream);

    [LibraryImport(Name, EntryPoint = "inflateInit_")]
    public static partial int InflateInit(ZStream* stream, byte* version, int streamSize);

    [LibraryImport(Name, EntryPoint = "inflateSetDictionary")]
    public static partial int InflateSetDictionary(ZStream* stream, byte* dictionary, uint length);

    [LibraryImport(Name, EntryPoint = "inflate")]
    public static partial int Inflate(ZStream* stream, int flush);

    [LibraryImport(Name, EntryPoint = "inflateEnd")]
    public static partial int InflateEnd(ZStream* stream);
}
