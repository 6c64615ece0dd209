using System.Text.Json.Serialization;

namespace CriShim.Streaming.RemoteCommand;

[JsonSerializable(typeof(RemoteCommandStatus))]
[JsonSerializable(typeof(ResizeMessage))]
internal sealed partial class RemoteCommandJsonContext : JsonSerializerContext;
