using System.Text.Json.Serialization;

namespace CriShim.Runtime.Container.Checkpoint;

/// <summary>Source-generated JSON for the checkpoint files that are plain lists (NativeAOT has no reflection serializer).</summary>
[JsonSerializable(typeof(string[]))]
internal sealed partial class CheckpointJsonContext : JsonSerializerContext;
