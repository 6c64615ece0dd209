using CriShim.Streaming.Zlib;

namespace CriShim.Streaming.Spdy;

/// <summary>
/// Decompresses the header blocks a peer sends: one zlib stream for the whole session; the SPDY
/// dictionary is supplied when zlib asks for it (Z_NEED_DICT on the first block).
/// </summary>
internal sealed unsafe class HeaderBlockInflater : IDisposable
{
    /// <summary>Bigger header blocks are refused rather than inflated without bound.</summary>
    public const int MaxBlockBytes = 1 << 20;

    private readonly ZStreamHandle _z = ZStreamHandle.CreateInflater();

    public byte[] Decompress(ReadOnlySpan<byte> compressed)
    {
        var output = new MemoryStream();
        Span<byte> chunk = stackalloc byte[4096];
        fixed (byte* input = compressed)
        fixed (byte* outp = chunk)
        fixed (byte* dictionary = SpdyDictionary.Bytes)
        {
            var z = _z.Stream;
            z->next_in = input;
            z->avail_in = (uint)compressed.Length;
            while (true)
            {
                z->next_out = outp;
                z->avail_out = (uint)chunk.Length;
                var rc = LibZ.Inflate(z, LibZ.Z_SYNC_FLUSH);
                if (rc == LibZ.Z_NEED_DICT)
                {
                    rc = LibZ.InflateSetDictionary(z, dictionary, (uint)SpdyDictionary.Bytes.Length);
                    if (rc != LibZ.Z_OK)
                    {
                        throw ZlibException.From("inflateSetDictionary", rc, z);
                    }
                    continue;
                }
                // Z_BUF_ERROR: no progress possible, i.e. all input consumed and all output given.
                if (rc != LibZ.Z_OK && rc != LibZ.Z_BUF_ERROR)
                {
                    throw ZlibException.From("inflate", rc, z);
                }
                output.Write(chunk[..(chunk.Length - (int)z->avail_out)]);
                if (output.Length > MaxBlockBytes)
                {
                    throw new SpdyProtocolException($"header block inflates beyond {MaxBlockBytes} bytes");
                }
                if (z->avail_in == 0 && z->avail_out != 0)
                {
                    break;
                }
            }
            z->next_in = null;
            z->next_out = null;
        }
        return output.ToArray();
    }

    public void Dispose() => _z.Dispose();
}
