using System.Collections.Concurrent;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Store;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Image;

/// <summary>
/// Unpacked layers under <c>{root}/layers/&lt;chainID hex&gt;/</c>, each a finished overlayfs
/// lowerdir. A layer is unpacked into <c>.tmp-*</c> beside its final place and renamed there only
/// when complete and verified, so a crash or a failed pull never leaves a half layer visible;
/// leftovers are removed at start-up. One unpack per chain ID at a time.
/// </summary>
public sealed class LayerStore
{
    private const string TemporaryPrefix = ".tmp-";
    private const string TrashPrefix = ".trash-";
    private readonly KeyedAsyncLock _locks = new();
    private readonly ConcurrentDictionary<string, DiskUsage> _usage = new(StringComparer.Ordinal);
    private readonly LayerUnpacker _unpacker;
    private readonly ILogger _log;

    public LayerStore(string root, UnpackLimits limits, ILogger log)
    {
        Directory = Path.Combine(root, "layers");
        System.IO.Directory.CreateDirectory(Directory);
        _unpacker = new LayerUnpacker(limits);
        _log = log;
    }

    public string Directory { get; }

    public string PathOf(Digest chainId) => Path.Combine(Directory, chainId.Hex);

    public bool Contains(Digest chainId) => System.IO.Directory.Exists(PathOf(chainId));

    public IEnumerable<Digest> All() =>
        System.IO.Directory.EnumerateDirectories(Directory)
            .Select(Path.GetFileName)
            .Where(name => Digest.IsHex(name))
            .Select(name => Digest.FromHex(name!));

    /// <summary>Removes half-unpacked and half-deleted layers of an earlier run.</summary>
    public void RemoveLeftovers()
    {
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Directory))
        {
            var name = Path.GetFileName(dir);
            if (name.StartsWith(TemporaryPrefix, StringComparison.Ordinal) || name.StartsWith(TrashPrefix, StringComparison.Ordinal))
            {
                _log.LogInformation("removing {Directory} left by an interrupted pull or removal", dir);
                System.IO.Directory.Delete(dir, recursive: true);
            }
        }
    }

    /// <summary>
    /// Makes the layer present: unless it already is, reads the blob from <paramref name="open"/>,
    /// verifies its digest and size and the uncompressed diff ID, and unpacks it. True when this call did the work.
    /// </summary>
    public async Task<bool> EnsureAsync(Digest chainId, Digest diffId, Descriptor blob, Func<CancellationToken, Task<Stream>> open,
        Action<int> onRead, CancellationToken cancel)
    {
        using var held = await _locks.LockAsync(chainId.Hex, cancel);
        if (Contains(chainId))
        {
            return false;
        }
        var temporary = Path.Combine(Directory, $"{TemporaryPrefix}{chainId.Hex[..12]}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(temporary);
        try
        {
            var body = await open(cancel);
            await using (cancel.Register(body.Dispose))
            {
                await Task.Factory.StartNew(() => Unpack(body, blob, diffId, temporary), cancel,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
            cancel.ThrowIfCancellationRequested();
            System.IO.Directory.Move(temporary, PathOf(chainId));
            Native.FileSystem.SyncDirectory(Directory);
            return true;
        }
        catch
        {
            System.IO.Directory.Delete(temporary, recursive: true);
            throw;
        }
    }

    /// <summary>Moves an unused layer out of sight at once (fast, under the pin lock) and deletes it after.</summary>
    public void Delete(Digest chainId, ContentPins pins)
    {
        var trash = Path.Combine(Directory, $"{TrashPrefix}{chainId.Hex[..12]}-{Guid.NewGuid():N}");
        if (pins.TryCollect(chainId.Hex, () =>
            {
                if (Contains(chainId))
                {
                    System.IO.Directory.Move(PathOf(chainId), trash);
                }
            }) && System.IO.Directory.Exists(trash))
        {
            _usage.TryRemove(chainId.Hex, out _);
            System.IO.Directory.Delete(trash, recursive: true);
            _log.LogInformation("removed unused layer {ChainId}", chainId);
        }
    }

    /// <summary>Disk usage of one layer; layers never change once in place, so it is measured once.</summary>
    public DiskUsage UsageOf(Digest chainId) => _usage.GetOrAdd(chainId.Hex, _ => DiskUsage.Of(PathOf(chainId)));

    private void Unpack(Stream body, Descriptor blob, Digest diffId, string temporary)
    {
        var what = $"layer {blob.Digest}";
        try
        {
            using var compressed = new VerifyingStream(body, blob.Size, what);
            using var tar = new VerifyingStream(LayerDecompression.Open(compressed), -1, $"uncompressed {what}");
            var result = _unpacker.Unpack(tar, temporary);
            tar.Drain();
            compressed.Drain();
            compressed.Verify(Digest.Parse(blob.Digest));
            tar.Verify(diffId);
            foreach (var warning in result.Warnings)
            {
                _log.LogWarning("{Layer}: {Warning}", what, warning);
            }
        }
        catch (LayerRejectedException e)
        {
            throw new InvalidArgumentException($"{what} is refused: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            throw new DataLossException($"{what} is corrupt: {e.Message}");
        }
        catch (ZstdSharp.ZstdException e)
        {
            throw new DataLossException($"{what} is corrupt: {e.Message}");
        }
        catch (Exception e) when (e is IOException and not Native.ErrnoException || e is HttpRequestException || e is ObjectDisposedException)
        {
            throw new UnavailableException($"download of {what} broke off: {e.Message}", e);
        }
    }
}
