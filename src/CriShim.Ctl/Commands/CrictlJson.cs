using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace CriShim.Ctl.Commands;

/// <summary>
/// The JSON that crictl's inspect commands print: the status message with default values emitted (as
/// jsonpb's <c>EmitDefaults</c>), its <c>createdAt</c>/<c>startedAt</c>/<c>finishedAt</c> as RFC 3339
/// timestamps, every <c>info</c> value parsed, and all keys sorted (crictl re-marshals through Go maps),
/// indented by two spaces.
/// </summary>
internal static class CrictlJson
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="times">Timestamp fields (nanoseconds since the epoch) to print as RFC 3339; a null value prints Go's zero time.</param>
    public static string Document(IMessage status, IReadOnlyDictionary<string, long?> times, MapField<string, string> info)
    {
        var statusNode = JsonNode.Parse(Formatter.Format(status))!.AsObject();
        foreach (var (field, nanoseconds) in times)
        {
            statusNode[field] = Rfc3339Nano(nanoseconds);
        }
        var document = new JsonObject { ["status"] = statusNode };
        foreach (var (key, value) in info)
        {
            document[key] = Parse(value);
        }
        return Sorted(document)!.ToJsonString(Indented);
    }

    /// <summary>Go's <c>time.RFC3339Nano</c> in UTC: fraction without trailing zeros; null is <c>0001-01-01T00:00:00Z</c>.</summary>
    public static string Rfc3339Nano(long? nanoseconds)
    {
        if (nanoseconds is not { } ns)
        {
            return "0001-01-01T00:00:00Z";
        }
        var seconds = Math.DivRem(ns, 1_000_000_000L, out var fraction);
        if (fraction < 0)
        {
            seconds--;
            fraction += 1_000_000_000L;
        }
        var time = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var digits = fraction == 0 ? "" : "." + fraction.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        return time + digits + "Z";
    }

    /// <summary>crictl keeps only info values that are JSON objects (it unmarshals each into a map); others print null.</summary>
    private static JsonNode? Parse(string value)
    {
        try
        {
            return JsonNode.Parse(value) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, Sorted(kv.Value?.DeepClone())))),
        JsonArray a => new JsonArray(a.Select(x => Sorted(x?.DeepClone())).ToArray()),
        _ => node?.DeepClone(),
    };
}
