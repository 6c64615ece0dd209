using Tomlyn.Model;
using Tomlyn.Serialization;

namespace CriShim.Runtime.Configuration;

/// <summary>
/// TOML parsed into Tomlyn's document model (tables, arrays, values), with metadata generated at compile
/// time: Tomlyn's reflection serializer is off under NativeAOT, and crishim reads the model by hand anyway.
/// </summary>
[TomlSerializable(typeof(TomlTable))]
internal sealed partial class TomlDocumentContext : TomlSerializerContext;
