using CriShim.Contract;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Store;

/// <summary>
/// One JSON file per record in a directory, written with <see cref="AtomicFile"/> inside a
/// versioned envelope. Loading skips torn temporary files and moves records that cannot be read
/// (bad JSON, unknown schema) into <c>quarantine/</c> with a log line, so one bad file never stops
/// the daemon. The record's JSON contract is source-generated (<see cref="RecordJsonContext"/>): no
/// reflection, so the daemon can be NativeAOT.
/// </summary>
public sealed class RecordStore<T> where T : class
{
    private const string Extension = ".json";
    private readonly string _directory;
    private readonly int _schemaVersion;
    private readonly JsonTypeInfo<T> _type;
    private readonly ILogger _log;

    public RecordStore(string directory, int schemaVersion, JsonTypeInfo<T> type, ILogger log)
    {
        _directory = directory;
        _schemaVersion = schemaVersion;
        _type = type;
        _log = log;
        Directory.CreateDirectory(directory);
    }

    public void Save(string id, T record)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("schemaVersion", _schemaVersion);
            writer.WritePropertyName("record");
            JsonSerializer.Serialize(writer, record, _type);
            writer.WriteEndObject();
        }
        AtomicFile.Write(PathOf(id), buffer.WrittenSpan);
    }

    public void Delete(string id) => AtomicFile.Delete(PathOf(id));

    public IReadOnlyList<T> LoadAll()
    {
        var records = new List<T>();
        foreach (var file in Directory.EnumerateFiles(_directory).Order(StringComparer.Ordinal))
        {
            if (AtomicFile.IsTemporary(file))
            {
                _log.LogWarning("removing torn temporary file {File} left by an interrupted write", file);
                File.Delete(file);
                continue;
            }
            if (!file.EndsWith(Extension, StringComparison.Ordinal))
            {
                continue;
            }
            var record = TryRead(file, out var problem);
            if (record is null)
            {
                Quarantine(file, problem!);
                continue;
            }
            records.Add(record);
        }
        return records;
    }

    private T? TryRead(string file, out string? problem)
    {
        problem = null;
        try
        {
            var envelope = JsonNode.Parse(File.ReadAllBytes(file)) as JsonObject;
            var version = envelope?["schemaVersion"]?.GetValue<int>();
            if (version != _schemaVersion)
            {
                problem = $"schema version {version?.ToString() ?? "missing"}, expected {_schemaVersion}";
                return null;
            }
            var record = envelope!["record"] is { } node ? node.Deserialize(_type) : null;
            if (record is null)
            {
                problem = "empty record";
            }
            return record;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            problem = e.Message;
            return null;
        }
    }

    private void Quarantine(string file, string problem)
    {
        var quarantine = Path.Combine(_directory, "quarantine");
        Directory.CreateDirectory(quarantine);
        var target = Path.Combine(quarantine, $"{Path.GetFileName(file)}.{DateTime.UtcNow:yyyyMMddTHHmmssfff}");
        File.Move(file, target);
        _log.LogError("corrupt record {File} ({Problem}) moved to {Target}; the daemon goes on without it", file, problem, target);
    }

    private string PathOf(string id)
    {
        if (id.Length == 0 || id.Contains('/') || id.StartsWith('.'))
        {
            throw new ArgumentException($"record id '{id}' cannot be a file name", nameof(id));
        }
        return Path.Combine(_directory, id + Extension);
    }
}
