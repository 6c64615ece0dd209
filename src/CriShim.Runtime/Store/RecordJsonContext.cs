using System.Text.Json;
using System.Text.Json.Serialization;
using CriShim.Runtime.Container;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Image;
using CriShim.Runtime.Network;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Store;

/// <summary>
/// The JSON contracts of every record the daemon persists, generated at compile time (web defaults:
/// camelCase, as the reflection serializer wrote them before) so the NativeAOT daemon needs no reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PodSandboxRecord))]
[JsonSerializable(typeof(ContainerRecord))]
[JsonSerializable(typeof(ContainerRunStatus))]
[JsonSerializable(typeof(ImageRecord))]
[JsonSerializable(typeof(RuntimeSettings))]
[JsonSerializable(typeof(CniAttachment))]
public sealed partial class RecordJsonContext : JsonSerializerContext;
