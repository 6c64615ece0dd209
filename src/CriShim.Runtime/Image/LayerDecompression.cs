using System.IO.Compression;
using ZstdSharp;

namespace CriShim.Runtime.Image;

/// <summary>Opens a layer blob as a tar stream, recognising gzip and zstd by their magic bytes (as containerd does) rather than trusting the media type.</summary>
public static class LayerDecompression
{
    public static Stream Open(Stream blob)
    {
        var head = new byte[4];
        var read = blob.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var whole = new PrefixedStream(head.AsMemory(0, read), blob);
        if (read >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        {
            return new GZipStream(whole, CompressionMode.Decompress);
        }
        if (read == 4 && head is [0x28, 0xb5, 0x2f, 0xfd])
        {
            return new DecompressionStream(whole);
        }
        return whole;
    }

    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ReadOnlyForwardStream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.Length == 0)
            {
                return rest.Read(buffer);
            }
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
