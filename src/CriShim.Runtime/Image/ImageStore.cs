using CriShim.Runtime.Store;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Image;

/// <summary>
/// The pulled images (<see cref="ImageRecord"/> in a <see cref="PersistentMap{T}"/> under
/// <c>{root}/images/</c>) and how references resolve to them: by ID (full, or an unambiguous
/// prefix), by tag or by digest reference.
/// </summary>
public sealed class ImageStore : IImageResolver
{
    private const int SchemaVersion = 1;
    private readonly PersistentMap<ImageRecord> _images;
    private readonly LayerStore _layers;
    private readonly Lock _refsLock = new();

    public ImageStore(string root, LayerStore layers, ILogger log)
    {
        _images = new PersistentMap<ImageRecord>(Path.Combine(root, "images"), SchemaVersion, RecordJsonContext.Default.ImageRecord, r => Digest.Parse(r.Id).Hex, log);
        _layers = layers;
    }

    public IReadOnlyCollection<ImageRecord> All => _images.All;

    /// <summary>The image <paramref name="reference"/> names (ID, short ID, tag or digest reference), or null.</summary>
    public ImageRecord? Resolve(string reference) => ResolveWithKind(reference).Image;

    /// <summary>Layer directories for an overlay lowerdir=, topmost layer first.</summary>
    public IReadOnlyList<string> LayerDirectories(ImageRecord image) =>
        image.Layers.Reverse().Select(l => _layers.PathOf(Digest.Parse(l))).ToList();

    /// <summary>
    /// Records a pulled image under <paramref name="tag"/> (a normalized <c>name:tag</c>, or null for a
    /// pull by digest) and <paramref name="repoDigest"/>. A tag held by another image moves here; an
    /// image left with no reference at all is forgotten.
    /// </summary>
    public ImageRecord Record(ImageRecord pulled, string? tag, string repoDigest)
    {
        lock (_refsLock)
        {
            if (tag is not null)
            {
                foreach (var other in _images.All.Where(i => i.Id != pulled.Id && i.RepoTags.Contains(tag)).ToList())
                {
                    var left = other with { RepoTags = other.RepoTags.Where(t => t != tag).ToList() };
                    if (left.RepoTags.Count == 0 && left.RepoDigests.Count == 0)
                    {
                        _images.Remove(Key(other));
                    }
                    else
                    {
                        _images.Put(left);
                    }
                }
            }
            var existing = _images.Find(Key(pulled));
            var tags = (existing?.RepoTags ?? []).Concat(tag is null ? [] : [tag]).Distinct().ToList();
            var digests = (existing?.RepoDigests ?? []).Append(repoDigest).Distinct().ToList();
            var record = (existing ?? pulled) with { RepoTags = tags, RepoDigests = digests };
            _images.Put(record);
            return record;
        }
    }

    /// <summary>
    /// Removes what <paramref name="reference"/> names: only that tag when the image has other tags,
    /// else the whole image. Unknown references are fine (idempotent); returns whether anything changed.
    /// </summary>
    public bool Remove(string reference)
    {
        lock (_refsLock)
        {
            var (image, tag) = ResolveWithKind(reference);
            if (image is null)
            {
                return false;
            }
            if (tag is not null && image.RepoTags.Count > 1)
            {
                _images.Put(image with { RepoTags = image.RepoTags.Where(t => t != tag).ToList() });
                return true;
            }
            return _images.Remove(Key(image));
        }
    }

    private (ImageRecord? Image, string? Tag) ResolveWithKind(string reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return (null, null);
        }
        var id = reference.StartsWith(Digest.Algorithm + ":", StringComparison.Ordinal) ? reference[(Digest.Algorithm.Length + 1)..] : reference;
        if (id.Length is > 0 and <= 64 && !id.AsSpan().ContainsAnyExcept("0123456789abcdef"))
        {
            var matches = _images.All.Where(i => Digest.Parse(i.Id).Hex.StartsWith(id, StringComparison.Ordinal)).Take(2).ToList();
            if (matches.Count == 1)
            {
                return (matches[0], null);
            }
        }
        if (!ImageReference.TryParse(reference, out var parsed, out _))
        {
            return (null, null);
        }
        var normalized = parsed.ToString();
        return parsed.Digest is null
            ? (_images.All.FirstOrDefault(i => i.RepoTags.Contains(normalized)), normalized)
            : (_images.All.FirstOrDefault(i => i.RepoDigests.Contains(normalized)), null);
    }

    private static string Key(ImageRecord image) => Digest.Parse(image.Id).Hex;
}
