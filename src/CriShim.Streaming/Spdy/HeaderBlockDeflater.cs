using CriShim.Streaming.Zlib;

namespace CriShim.Streaming.Spdy;

/// <summary>
/// Compresses the header blocks one side of a session sends: one zlib stream for the whole session,
/// primed with <see cref="SpdyDictionary"/>, each block ended with a sync flush so the peer can
/// decode it alone.
/// </summary>
internal sealed unsafe class HeaderBlockDeflater : IDisposable
{
    private readonly ZStreamHandle _z = ZStreamHandle.CreateDeflater(SpdyDictionary.Bytes);

    public byte[] Compress(ReadOnlySpan<byte> block)
    {
        var output = new MemoryStream();
        Span<byte> chunk = stackalloc byte[4096];
        fixed (byte* input = block)
        fixed (byte* outp = chunk)
        {
            var z = _z.Stream;
            z->next_in = input;
            z->avail_in = (uint)block.Length;
            do
            {
                z->next_out = outp;
                z->avail_out = (uint)chunk.Length;
                var rc = LibZ.Deflate(z, LibZ.Z_SYNC_FLUSH);
                if (rc != LibZ.Z_OK)
                {
                    throw ZlibException.From("deflate", rc, z);
                }
                output.Write(chunk[..(chunk.Length - (int)z->avail_out)]);
            }
            while (z->avail_out == 0);
            z->next_in = null;
            z->next_out = null;
        }
        return output.ToArray();
    }

    public void Dispose() => _z.Dispose();
}
