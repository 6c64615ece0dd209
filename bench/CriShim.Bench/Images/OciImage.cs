using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace CriShim.Bench.Images;

/// <summary>An OCI image (gzip layers, config, manifest) built in memory and pushable to the local registry.</summary>
public sealed class OciImage
{
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private const string ConfigType = "application/vnd.oci.image.config.v1+json";
    private const string LayerType = "application/vnd.oci.image.layer.v1.tar+gzip";
    private readonly IReadOnlyList<(byte[] Blob, string Digest)> _layers;
    private readonly byte[] _config;
    private readonly byte[] _manifest;

    public OciImage(IReadOnlyList<byte[]> layerTars, string[]? entrypoint, string[] cmd)
    {
        var diffIds = layerTars.Select(DigestOf).ToList();
        _layers = layerTars.Select(Gzip).Select(blob => (blob, DigestOf(blob))).ToList();
        var process = new JsonObject
        {
            ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
            ["Cmd"] = Strings(cmd),
            ["WorkingDir"] = "/",
        };
        if (entrypoint is not null)
        {
            process["Entrypoint"] = Strings(entrypoint);
        }
        _config = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["created"] = "2024-01-01T00:00:00Z",
            ["config"] = process,
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = Strings(diffIds) },
        }.ToJsonString());
        _manifest = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ManifestType,
            ["config"] = new JsonObject { ["mediaType"] = ConfigType, ["digest"] = DigestOf(_config), ["size"] = _config.Length },
            ["layers"] = new JsonArray(_layers.Select(l => (JsonNode?)new JsonObject
            {
                ["mediaType"] = LayerType,
                ["digest"] = l.Digest,
                ["size"] = l.Blob.Length,
            }).ToArray()),
        }.ToJsonString());
    }

    /// <summary>Compressed bytes a pull transfers.</summary>
    public long CompressedSize => _layers.Sum(l => (long)l.Blob.Length);

    public int LayerCount => _layers.Count;

    /// <summary>Pushes layers, config and manifest; returns the reference <c>host/repository:tag</c>.</summary>
    public async Task<string> PushAsync(LocalRegistry registry, string repository, string tag)
    {
        foreach (var (blob, digest) in _layers)
        {
            await registry.PushBlobAsync(repository, digest, blob);
        }
        await registry.PushBlobAsync(repository, DigestOf(_config), _config);
        await registry.PushManifestAsync(repository, tag, ManifestType, _manifest);
        return $"{registry.Host}/{repository}:{tag}";
    }

    private static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());

    private static byte[] Gzip(byte[] tar)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(tar);
        }
        return output.ToArray();
    }
}
