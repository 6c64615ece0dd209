using System.Diagnostics;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Errors;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Image;

/// <summary>
/// Pulls an image: resolves the reference against registries.conf (mirrors in order, then the
/// registry), reads the manifest (choosing linux/&lt;arch&gt; from an index), verifies and stores config
/// and manifests, unpacks every layer not yet present, and records the image. Every piece of
/// content is verified against its digest and size before anything becomes visible.
/// </summary>
public sealed class ImagePuller(
    RegistryClient registry,
    RegistriesConfigSource registries,
    BlobStore blobs,
    LayerStore layers,
    ImageStore images,
    ContentPins pins,
    ImageGarbageCollector collector,
    PullProgressBoard board,
    PlatformSelector platform,
    ImagePullSettings settings,
    ILogger<ImagePuller> log)
{
    private const int MaxConfigBytes = 8 * 1024 * 1024;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Pulls <paramref name="image"/>; ends with <see cref="DeadlineExceededException"/> when nothing arrives for the
    /// configured progress timeout, and cancelled when <paramref name="caller"/> is. Either way nothing half-done stays.
    /// </summary>
    public async Task<ImageRecord> PullAsync(string image, RegistryCredentials credentials, CancellationToken caller)
    {
        var reference = ImageReference.Parse(image);
        using var deadline = new PullDeadline(settings.ProgressTimeout, caller);
        try
        {
            return await PullAsync(reference, credentials, deadline);
        }
        catch (Exception e) when (deadline.Expired && !caller.IsCancellationRequested)
        {
            log.LogWarning("{Image}: no progress for {Timeout}, pull abandoned ({Error})", reference, settings.ProgressTimeout, e.Message);
            throw new DeadlineExceededException(
                $"pull of {reference} abandoned: nothing arrived from the registry for {Configuration.Duration.Format(settings.ProgressTimeout)} (image_pull_progress_timeout)");
        }
    }

    private async Task<ImageRecord> PullAsync(ImageReference reference, RegistryCredentials credentials, PullDeadline deadline)
    {
        var cancel = deadline.Token;
        var started = Stopwatch.StartNew();
        var progress = board.Start(reference);
        await using var ticker = new Timer(_ => log.LogDebug("pulling {Image}: {Progress}", reference, progress), null, ProgressInterval, ProgressInterval);
        try
        {
            var (session, top) = await ResolveAsync(reference, credentials, cancel);
            deadline.Progressed();
            var manifest = top;
            if (MediaTypes.IsIndex(top.MediaType))
            {
                var index = ImageDocuments.Parse(top.Content, ImageJsonContext.Default.IndexDocument, $"index of {reference}");
                var chosen = platform.Select(index.Manifests, reference.ToString());
                manifest = await session.GetManifestAsync(chosen.Digest, Digest.Parse(chosen.Digest), cancel);
                deadline.Progressed();
            }
            if (!MediaTypes.IsManifest(manifest.MediaType))
            {
                throw new InvalidArgumentException($"{reference} is a {manifest.MediaType}, not an image manifest crishim can run");
            }
            var document = ImageDocuments.Parse(manifest.Content, ImageJsonContext.Default.ManifestDocument, $"manifest of {reference}");
            var record = await PullManifestAsync(reference, session, manifest, document, progress, deadline);
            var tag = reference.Tag is null ? null : reference.ToString();
            FaultPoint.Reach("pull-image.before-record");
            var stored = images.Record(record, tag, $"{reference.Name}@{top.Digest}");
            blobs.Put(top.Digest, top.Content);
            collector.Collect();
            log.LogInformation("pulled {Image} as {Id} from {Endpoint} in {Seconds:F1} s ({Progress})",
                reference, stored.Id, session.Endpoint, started.Elapsed.TotalSeconds, progress);
            return stored;
        }
        finally
        {
            board.Finish(progress);
        }
    }

    private async Task<(RegistrySession Session, FetchedManifest Manifest)> ResolveAsync(
        ImageReference reference, RegistryCredentials credentials, CancellationToken cancel)
    {
        var endpoints = registries.Current().EndpointsFor(reference);
        var wanted = reference.Digest?.ToString() ?? reference.Tag!;
        CriException? last = null;
        foreach (var endpoint in endpoints)
        {
            var session = registry.Open(endpoint, credentials);
            try
            {
                return (session, await session.GetManifestAsync(wanted, reference.Digest, cancel));
            }
            catch (CriException e) when (e is NotFoundException or UnavailableException or FailedPreconditionException)
            {
                log.LogWarning("{Image}: {Endpoint} failed: {Error}", reference, endpoint, e.Message);
                last = e;
            }
        }
        throw last is NotFoundException
            ? new NotFoundException($"image {reference} not found ({last.Message})")
            : last!;
    }

    private async Task<ImageRecord> PullManifestAsync(ImageReference reference, RegistrySession session, FetchedManifest manifest,
        ManifestDocument document, PullProgress progress, PullDeadline deadline)
    {
        var cancel = deadline.Token;
        if (document.SchemaVersion != 2 || !Digest.TryParse(document.Config.Digest, out var configDigest))
        {
            throw new InvalidArgumentException($"manifest {manifest.Digest} of {reference} is not a schema 2 image manifest with a sha256 config");
        }
        foreach (var layer in document.Layers)
        {
            if (!MediaTypes.IsLayer(layer.MediaType) || !Digest.TryParse(layer.Digest, out _) || layer.Size < 0)
            {
                throw new InvalidArgumentException($"manifest {manifest.Digest} of {reference} has a layer crishim cannot use: {layer.MediaType} {layer.Digest}");
            }
        }
        var config = await FetchConfigAsync(session, document.Config, configDigest, cancel);
        deadline.Progressed();
        var configDocument = ImageDocuments.Parse(config, ImageJsonContext.Default.ImageConfigDocument, $"config {configDigest} of {reference}");
        var diffIds = (configDocument.RootFs?.DiffIds ?? []).Select(Digest.Parse).ToList();
        if (diffIds.Count != document.Layers.Count)
        {
            throw new InvalidArgumentException($"config {configDigest} of {reference} lists {diffIds.Count} layers, its manifest {document.Layers.Count}");
        }
        var chainIds = ChainIds(diffIds);
        using var pinned = pins.Pin(chainIds.Select(c => c.Hex).Concat([configDigest.Hex, manifest.Digest.Hex]));
        blobs.Put(configDigest, config);
        blobs.Put(manifest.Digest, manifest.Content);
        progress.Plan(document.Layers.Count, document.Layers.Sum(l => l.Size));
        using var throttle = new SemaphoreSlim(settings.MaxConcurrentDownloads);
        await Task.WhenAll(document.Layers.Select(async (layer, i) =>
        {
            await throttle.WaitAsync(cancel);
            try
            {
                await PullLayerAsync(reference, session, layer, diffIds[i], chainIds[i], progress, deadline);
            }
            finally
            {
                throttle.Release();
            }
        }));
        return new ImageRecord
        {
            Id = configDigest.ToString(),
            ManifestDigest = manifest.Digest.ToString(),
            Layers = chainIds.Select(c => c.ToString()).ToList(),
            Size = document.Config.Size + document.Layers.Sum(l => l.Size),
            Config = ImageRuntimeConfig.From(configDocument.Config),
            PulledAt = DateTimeOffset.UtcNow,
        };
    }

    private async Task PullLayerAsync(ImageReference reference, RegistrySession session, Descriptor layer, Digest diffId, Digest chainId,
        PullProgress progress, PullDeadline deadline)
    {
        var read = 0L;
        var unpacked = await layers.EnsureAsync(chainId, diffId, layer, async c =>
        {
            log.LogInformation("{Image}: fetching layer {Digest} ({Size} bytes)", reference, layer.Digest, layer.Size);
            var response = await session.OpenBlobAsync(layer, c);
            deadline.Progressed();
            return await response.Content.ReadAsStreamAsync(c);
        }, n =>
        {
            read += n;
            progress.Read(n);
            deadline.Progressed();
        }, deadline.Token);
        progress.LayerDone(layer.Size - read);
        log.LogDebug("pulling {Image}: layer {Digest} done, {Progress}", reference, layer.Digest, progress);
        if (unpacked)
        {
            log.LogInformation("{Image}: unpacked layer {Digest} as {ChainId}", reference, layer.Digest, chainId);
        }
    }

    private async Task<byte[]> FetchConfigAsync(RegistrySession session, Descriptor descriptor, Digest digest, CancellationToken cancel)
    {
        if (blobs.TryRead(digest) is { } stored)
        {
            return stored;
        }
        if (descriptor.Size is < 0 or > MaxConfigBytes)
        {
            throw new InvalidArgumentException($"config {digest} claims {descriptor.Size} bytes (at most {MaxConfigBytes})");
        }
        using var response = await session.OpenBlobAsync(descriptor, cancel);
        var content = await session.ReadSmallBlobAsync(response, MaxConfigBytes, cancel);
        if (content.Length != descriptor.Size)
        {
            throw new DataLossException($"config {digest} is {content.Length} bytes, the manifest says {descriptor.Size}");
        }
        var actual = Digest.Of(content);
        return actual == digest ? content : throw new DataLossException($"config {digest} has digest {actual}");
    }

    /// <summary>chainID(1) = diffID(1); chainID(n) = sha256(chainID(n-1) + " " + diffID(n)), as the OCI image spec defines.</summary>
    public static IReadOnlyList<Digest> ChainIds(IReadOnlyList<Digest> diffIds)
    {
        var chain = new List<Digest>(diffIds.Count);
        foreach (var diffId in diffIds)
        {
            chain.Add(chain.Count == 0 ? diffId : Digest.Of(System.Text.Encoding.ASCII.GetBytes($"{chain[^1]} {diffId}")));
        }
        return chain;
    }
}
