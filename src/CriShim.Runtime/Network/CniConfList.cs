using System.Text.Json;
using System.Text.Json.Nodes;

namespace CriShim.Runtime.Network;

/// <summary>
/// A network configuration list (a single-plugin <c>.conf</c> already wrapped by
/// <see cref="CniConfigDirectory"/>) and the per-plugin stdin documents the spec derives from it.
/// </summary>
public sealed class CniConfList
{
    /// <summary>What the spec assumes when a configuration predates the <c>cniVersion</c> field.</summary>
    private const string ImplicitVersion = "0.1.0";

    private readonly JsonObject _list;

    public CniConfList(JsonObject list)
    {
        _list = list;
        Name = list["name"]?.GetValueKind() == JsonValueKind.String
            ? list["name"]!.GetValue<string>()
            : throw new FormatException("network configuration has no \"name\"");
        CniVersion = list["cniVersion"]?.GetValueKind() == JsonValueKind.String
            ? list["cniVersion"]!.GetValue<string>()
            : ImplicitVersion;
        if (!TryParseVersion(CniVersion, out _))
        {
            throw new FormatException($"network configuration '{Name}' has cniVersion '{CniVersion}', not a version such as 1.0.0");
        }
        if (list["plugins"] is not JsonArray plugins || plugins.Count == 0)
        {
            throw new FormatException($"network configuration '{Name}' has no plugins");
        }
        Plugins = plugins.Select((p, i) => p as JsonObject
            ?? throw new FormatException($"plugin {i} of network '{Name}' is not a JSON object")).ToList();
        foreach (var plugin in Plugins)
        {
            var type = PluginType(plugin);
            if (type.Length == 0 || type.Contains('/') || type is "." or "..")
            {
                throw new FormatException($"plugin type '{type}' of network '{Name}' is not an executable name");
            }
        }
    }

    public string Name { get; }
    public string CniVersion { get; }
    public IReadOnlyList<JsonObject> Plugins { get; }

    /// <summary>The list exactly as read, for the cache: DEL must use what ADD used.</summary>
    public JsonObject Json => (JsonObject)_list.DeepClone();

    /// <summary>CHECK exists from 0.4.0 and a list may opt out with <c>disableCheck</c>.</summary>
    public bool SupportsCheck => AtLeast(0, 4) && _list["disableCheck"]?.GetValueKind() is not JsonValueKind.True;

    /// <summary>From 0.4.0 DEL receives the cached ADD result as <c>prevResult</c>.</summary>
    public bool PassesResultToDelete => AtLeast(0, 4);

    public static string PluginType(JsonObject plugin) =>
        plugin["type"]?.GetValueKind() == JsonValueKind.String ? plugin["type"]!.GetValue<string>() : "";

    /// <summary>
    /// The document a plugin gets on stdin: its own configuration with the list's <c>name</c> and
    /// <c>cniVersion</c>, the capability arguments it declared, and the previous result when given.
    /// </summary>
    public JsonObject PluginConfig(int index, CniRuntimeConfig runtimeConfig, JsonObject? prevResult)
    {
        var config = (JsonObject)Plugins[index].DeepClone();
        config["name"] = Name;
        config["cniVersion"] = CniVersion;
        config.Remove("runtimeConfig");
        config.Remove("prevResult");
        var capabilityArgs = runtimeConfig.For(Plugins[index]);
        if (capabilityArgs.Count > 0)
        {
            config["runtimeConfig"] = capabilityArgs;
        }
        if (prevResult is not null)
        {
            config["prevResult"] = prevResult.DeepClone();
        }
        return config;
    }

    private bool AtLeast(int major, int minor) =>
        TryParseVersion(CniVersion, out var version) && version >= new Version(major, minor, 0);

    private static bool TryParseVersion(string text, out Version version) =>
        Version.TryParse(text, out version!) && version.Build >= 0;
}
