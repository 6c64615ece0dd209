using System.Text.Json;
using System.Text.Json.Nodes;
using CriShim.Protocol.V1;

namespace CriShim.Runtime.Image;

/// <summary>What a container needs from its image's config: process defaults and the stop signal.</summary>
public sealed record ImageRuntimeConfig
{
    public IReadOnlyList<string> Entrypoint { get; init; } = [];
    public IReadOnlyList<string> Cmd { get; init; } = [];
    public IReadOnlyList<string> Env { get; init; } = [];
    public string WorkingDir { get; init; } = "";
    public string User { get; init; } = "";
    public string StopSignal { get; init; } = "";
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Volumes { get; init; } = [];

    public static ImageRuntimeConfig From(ContainerConfigDocument? config) => config is null ? new() : new()
    {
        Entrypoint = config.Entrypoint ?? [],
        Cmd = config.Cmd ?? [],
        Env = config.Env ?? [],
        WorkingDir = config.WorkingDir ?? "",
        User = config.User ?? "",
        StopSignal = config.StopSignal ?? "",
        Labels = config.Labels ?? new Dictionary<string, string>(),
        Volumes = config.Volumes?.Keys.Order(StringComparer.Ordinal).ToList() ?? [],
    };
}

/// <summary>
/// A pulled image. <see cref="Id"/> is the config digest (<c>sha256:...</c>); <see cref="RepoTags"/>
/// and <see cref="RepoDigests"/> are the references it is known by, as containerd reports them;
/// <see cref="Layers"/> are chain IDs, bottom layer first.
/// </summary>
public sealed record ImageRecord
{
    public required string Id { get; init; }
    public IReadOnlyList<string> RepoTags { get; init; } = [];
    public IReadOnlyList<string> RepoDigests { get; init; } = [];
    public required string ManifestDigest { get; init; }
    public IReadOnlyList<string> Layers { get; init; } = [];
    public long Size { get; init; }
    public ImageRuntimeConfig Config { get; init; } = new();
    public DateTimeOffset PulledAt { get; init; }

    public Digest ConfigDigest => Digest.Parse(Id);

    /// <summary>Every blob this image keeps: config, platform manifest and the manifests/indexes of its repo digests.</summary>
    public IEnumerable<Digest> Blobs() =>
        new[] { Id, ManifestDigest }.Concat(RepoDigests.Select(r => r[(r.LastIndexOf('@') + 1)..]))
            .Select(d => Digest.TryParse(d, out var digest) ? digest : (Digest?)null)
            .OfType<Digest>()
            .Distinct();

    public Protocol.V1.Image ToCri()
    {
        var image = new Protocol.V1.Image
        {
            Id = Id,
            Size = (ulong)Size,
            Spec = new ImageSpec { Image = Id },
        };
        image.RepoTags.AddRange(RepoTags);
        image.RepoDigests.AddRange(RepoDigests);
        var user = Config.User.Split(':', 2)[0];
        if (long.TryParse(user, out var uid))
        {
            image.Uid = new Int64Value { Value = uid };
        }
        else
        {
            image.Username = user;
        }
        return image;
    }

    /// <summary>The verbose <c>info</c> of ImageStatus: the record and the image config as JSON, as containerd gives <c>imageSpec</c>.</summary>
    public string VerboseInfo(byte[]? configJson, IReadOnlyList<string> layerDirectories)
    {
        var info = new JsonObject
        {
            ["id"] = Id,
            ["manifestDigest"] = ManifestDigest,
            ["chainIDs"] = new JsonArray(Layers.Select(l => (JsonNode?)l).ToArray()),
            ["layerDirectories"] = new JsonArray(layerDirectories.Select(l => (JsonNode?)l).ToArray()),
            ["pulledAt"] = PulledAt.ToString("O"),
            ["imageSpec"] = configJson is null ? null : JsonNode.Parse(configJson),
        };
        return info.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
