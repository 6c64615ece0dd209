using System.Text.Json;
using System.Text.Json.Serialization;

namespace CriShim.Contract;

/// <summary>
/// Source-generated (AOT-safe) JSON for the container start, exit and exec messages. The records use
/// settable properties: the generator assigns every init-only property, so their defaults would be lost.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ContainerProcessSpec))]
[JsonSerializable(typeof(ProcessSpec))]
[JsonSerializable(typeof(ContainerStartResult))]
[JsonSerializable(typeof(ContainerStartedRecord))]
[JsonSerializable(typeof(ContainerExitRecord))]
[JsonSerializable(typeof(ExecSpec))]
[JsonSerializable(typeof(ExecResult))]
[JsonSerializable(typeof(InitStageFailure))]
public sealed partial class ContainerJsonContext : JsonSerializerContext;
