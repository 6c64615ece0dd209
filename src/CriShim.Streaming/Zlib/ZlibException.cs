using System.Runtime.InteropServices;

namespace CriShim.Streaming.Zlib;

/// <summary>A zlib call that failed, with its return code and zlib's own message when it gave one.</summary>
public sealed class ZlibException(string operation, int code, string? detail)
    : IOException($"zlib {operation} failed ({CodeName(code)}{(detail is null ? "" : $": {detail}")})")
{
    public string Operation => operation;

    public int Code => code;

    internal static unsafe ZlibException From(string operation, int code, LibZ.ZStream* stream) =>
        new(operation, code, stream->msg == null ? null : Marshal.PtrToStringUTF8((nint)stream->msg));

    private static string CodeName(int code) => code switch
    {
        LibZ.Z_NEED_DICT => "Z_NEED_DICT",
        -1 => "Z_ERRNO",
        -2 => "Z_STREAM_ERROR",
        -3 => "Z_DATA_ERROR",
        -4 => "Z_MEM_ERROR",
        LibZ.Z_BUF_ERROR => "Z_BUF_ERROR",
        -6 => "Z_VERSION_ERROR",
        _ => code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
