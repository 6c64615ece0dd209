using System.Text.Json;
using System.Text.Json.Serialization;

namespace CriShim.Contract;

/// <summary>Source-generated (AOT-safe) JSON for the messages between the daemon and the runtime helper.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SandboxInitRequest))]
[JsonSerializable(typeof(SandboxInitResponse))]
[JsonSerializable(typeof(SeccompProgram))]
public sealed partial class HelperJsonContext : JsonSerializerContext;
