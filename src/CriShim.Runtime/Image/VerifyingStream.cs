using System.Security.Cryptography;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Image;

/// <summary>
/// Passes a stream through while hashing it with SHA-256 and counting bytes, so content is
/// verified in the same pass that consumes it. Refuses to read past the expected size.
/// </summary>
public sealed class VerifyingStream(Stream inner, long expectedSize, string what, Action<int>? onRead = null) : ReadOnlyForwardStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesRead { get; private set; }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Account(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Account(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Reads what is left (tar padding after the end-of-archive, trailing gzip members) so the hash covers everything.</summary>
    public void Drain() => CopyTo(Null);

    /// <summary>The digest of everything read; throws <see cref="DataLossException"/> unless it and the size are as expected.</summary>
    public Digest Verify(Digest? expected)
    {
        var digest = Digest.FromHash(_hash.GetHashAndReset());
        if (expectedSize >= 0 && BytesRead != expectedSize)
        {
            throw new DataLossException($"{what} is {BytesRead} bytes, the manifest says {expectedSize}");
        }
        if (expected is { } wanted && wanted != digest)
        {
            throw new DataLossException($"{what} has digest {digest}, expected {wanted}");
        }
        return digest;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    private void Account(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            return;
        }
        BytesRead += data.Length;
        if (expectedSize >= 0 && BytesRead > expectedSize)
        {
            throw new DataLossException($"{what} is larger than the {expectedSize} bytes the manifest says");
        }
        _hash.AppendData(data);
        onRead?.Invoke(data.Length);
    }
}
