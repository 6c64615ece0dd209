using System.Text.Json.Serialization;

namespace CriShim.Runtime.Image;

/// <summary>The registry documents' JSON contracts, generated at compile time (names as the OCI spec spells them, case-sensitive).</summary>
[JsonSerializable(typeof(IndexDocument))]
[JsonSerializable(typeof(ManifestDocument))]
[JsonSerializable(typeof(ImageConfigDocument))]
public sealed partial class ImageJsonContext : JsonSerializerContext;
