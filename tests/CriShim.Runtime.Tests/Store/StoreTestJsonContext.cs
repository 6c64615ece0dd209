using System.Text.Json;
using System.Text.Json.Serialization;

namespace CriShim.Runtime.Tests.Store;

internal sealed record Sample(string Id, string Name, IReadOnlyList<int> Numbers);

internal sealed record Item(string Id, int Value);

/// <summary>The test records' contracts, generated as the daemon's own (<c>RecordJsonContext</c>) are.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Sample))]
[JsonSerializable(typeof(Item))]
internal sealed partial class StoreTestJsonContext : JsonSerializerContext;
