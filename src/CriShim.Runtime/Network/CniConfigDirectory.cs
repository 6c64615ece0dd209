using System.Text.Json;
using System.Text.Json.Nodes;
using CriShim.Runtime.Configuration;

namespace CriShim.Runtime.Network;

/// <summary>
/// Finds the network configuration the CNI spec says a runtime uses: the first file with a
/// <c>.conflist</c>, <c>.conf</c> or <c>.json</c> extension in name order that parses as one.
/// Files that do not parse are passed over and named in <see cref="Lookup.Problems"/>.
/// </summary>
public sealed class CniConfigDirectory(DaemonConfig config)
{
    private static readonly string[] Extensions = [".conflist", ".conf", ".json"];

    private volatile string _path = config.CniConfDir;

    /// <summary>The directory searched; a configuration reload (SIGHUP) may point it elsewhere.</summary>
    public string Path
    {
        get => _path;
        set => _path = value;
    }

    public Lookup Find()
    {
        var problems = new List<string>();
        var directory = Path;
        if (!Directory.Exists(directory))
        {
            return new Lookup(null, null, [$"directory {directory} does not exist"]);
        }
        var files = Directory.EnumerateFiles(directory)
            .Where(f => Extensions.Contains(System.IO.Path.GetExtension(f)))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var problem = Validate(file, out var list);
            if (problem is null)
            {
                return new Lookup(file, list, problems);
            }
            problems.Add($"{file}: {problem}");
        }
        if (problems.Count == 0)
        {
            problems.Add($"no .conflist, .conf or .json file in {directory}");
        }
        return new Lookup(null, null, problems);
    }

    /// <summary>Parses a config file into conflist form (a single-plugin .conf becomes a list of one).</summary>
    private static string? Validate(string file, out JsonObject? list)
    {
        list = null;
        JsonObject? doc;
        try
        {
            doc = JsonNode.Parse(File.ReadAllText(file)) as JsonObject;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return e.Message;
        }
        if (doc is null)
        {
            return "not a JSON object";
        }
        if (doc["name"]?.GetValueKind() != JsonValueKind.String)
        {
            return "missing \"name\"";
        }
        if (file.EndsWith(".conflist", StringComparison.Ordinal))
        {
            if (doc["plugins"] is not JsonArray plugins || plugins.Count == 0)
            {
                return "missing or empty \"plugins\"";
            }
            if (plugins.Any(p => p?["type"]?.GetValueKind() != JsonValueKind.String))
            {
                return "a plugin has no \"type\"";
            }
            list = doc;
            return null;
        }
        if (doc["type"]?.GetValueKind() != JsonValueKind.String)
        {
            return "missing \"type\"";
        }
        list = new JsonObject
        {
            ["cniVersion"] = doc["cniVersion"]?.DeepClone(),
            ["name"] = doc["name"]!.DeepClone(),
            ["plugins"] = new JsonArray(doc.DeepClone()),
        };
        return null;
    }

    /// <summary>The chosen file and its content in conflist form, or why there is none.</summary>
    public sealed record Lookup(string? File, JsonObject? ConfList, IReadOnlyList<string> Problems)
    {
        public bool Found => File is not null;
    }
}
