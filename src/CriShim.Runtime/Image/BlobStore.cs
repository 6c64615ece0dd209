using CriShim.Contract;

namespace CriShim.Runtime.Image;

/// <summary>Verified small blobs (manifests, indexes, configs) under <c>{root}/blobs/sha256/&lt;hex&gt;</c>.</summary>
public sealed class BlobStore
{
    public BlobStore(string root)
    {
        Directory = Path.Combine(root, "blobs", Digest.Algorithm);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string PathOf(Digest digest) => Path.Combine(Directory, digest.Hex);

    public bool Contains(Digest digest) => File.Exists(PathOf(digest));

    /// <summary>Stores content already verified against <paramref name="digest"/>.</summary>
    public void Put(Digest digest, ReadOnlySpan<byte> content)
    {
        if (!Contains(digest))
        {
            AtomicFile.Write(PathOf(digest), content);
        }
    }

    public byte[]? TryRead(Digest digest)
    {
        try
        {
            var content = File.ReadAllBytes(PathOf(digest));
            return Digest.Of(content) == digest ? content : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public IEnumerable<Digest> All() =>
        System.IO.Directory.EnumerateFiles(Directory)
            .Select(Path.GetFileName)
            .Where(name => Digest.IsHex(name))
            .Select(name => Digest.FromHex(name!));

    /// <summary>Removes leftovers of interrupted writes.</summary>
    public void RemoveLeftovers()
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory).Where(AtomicFile.IsTemporary))
        {
            File.Delete(file);
        }
    }

    public void Delete(Digest digest) => AtomicFile.Delete(PathOf(digest));
}
