using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Image;

/// <summary>An OCI content descriptor: what a manifest or index points at.</summary>
public sealed record Descriptor
{
    [JsonPropertyName("mediaType")] public string MediaType { get; init; } = "";
    [JsonPropertyName("digest")] public string Digest { get; init; } = "";
    [JsonPropertyName("size")] public long Size { get; init; }
    [JsonPropertyName("platform")] public Platform? Platform { get; init; }
    [JsonPropertyName("urls")] public IReadOnlyList<string>? Urls { get; init; }
}

public sealed record Platform
{
    [JsonPropertyName("architecture")] public string Architecture { get; init; } = "";
    [JsonPropertyName("os")] public string Os { get; init; } = "";
    [JsonPropertyName("variant")] public string? Variant { get; init; }

    public override string ToString() => Variant is { Length: > 0 } v ? $"{Os}/{Architecture}/{v}" : $"{Os}/{Architecture}";
}

/// <summary>An OCI image manifest or Docker v2 schema 2 manifest (same shape).</summary>
public sealed record ManifestDocument
{
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; }
    [JsonPropertyName("mediaType")] public string? MediaType { get; init; }
    [JsonPropertyName("config")] public Descriptor Config { get; init; } = new();
    [JsonPropertyName("layers")] public IReadOnlyList<Descriptor> Layers { get; init; } = [];
}

/// <summary>An OCI image index or Docker manifest list (same shape).</summary>
public sealed record IndexDocument
{
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; }
    [JsonPropertyName("mediaType")] public string? MediaType { get; init; }
    [JsonPropertyName("manifests")] public IReadOnlyList<Descriptor> Manifests { get; init; } = [];
}

/// <summary>The parts of the image config (<c>application/vnd.oci.image.config.v1+json</c>) the runtime uses.</summary>
public sealed record ImageConfigDocument
{
    [JsonPropertyName("architecture")] public string? Architecture { get; init; }
    [JsonPropertyName("os")] public string? Os { get; init; }
    [JsonPropertyName("variant")] public string? Variant { get; init; }
    [JsonPropertyName("config")] public ContainerConfigDocument? Config { get; init; }
    [JsonPropertyName("rootfs")] public RootFsDocument? RootFs { get; init; }
}

public sealed record ContainerConfigDocument
{
    [JsonPropertyName("User")] public string? User { get; init; }
    [JsonPropertyName("Env")] public IReadOnlyList<string>? Env { get; init; }
    [JsonPropertyName("Entrypoint")] public IReadOnlyList<string>? Entrypoint { get; init; }
    [JsonPropertyName("Cmd")] public IReadOnlyList<string>? Cmd { get; init; }
    [JsonPropertyName("WorkingDir")] public string? WorkingDir { get; init; }
    [JsonPropertyName("StopSignal")] public string? StopSignal { get; init; }
    [JsonPropertyName("Labels")] public IReadOnlyDictionary<string, string>? Labels { get; init; }
    [JsonPropertyName("Volumes")] public IReadOnlyDictionary<string, JsonElement>? Volumes { get; init; }
}

public sealed record RootFsDocument
{
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("diff_ids")] public IReadOnlyList<string> DiffIds { get; init; } = [];
}

/// <summary>Parses registry documents, turning malformed JSON into an error that names the document.</summary>
public static class ImageDocuments
{
    public static T Parse<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type, string what) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new JsonException("null document");
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"{what} is not valid JSON of the expected shape: {e.Message}", e);
        }
    }

    /// <summary>The media type of a manifest response: the document's own field, else the Content-Type header.</summary>
    public static string MediaTypeOf(ReadOnlySpan<byte> json, string? contentType)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.TryGetProperty("mediaType", out var mt) && mt.GetString() is { Length: > 0 } fromDocument)
            {
                return fromDocument;
            }
            if (document.RootElement.TryGetProperty("manifests", out _))
            {
                return MediaTypes.OciIndex;
            }
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"the manifest is not valid JSON: {e.Message}", e);
        }
        return contentType ?? MediaTypes.OciManifest;
    }
}
