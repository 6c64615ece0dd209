using System.Globalization;
using System.Text.Json.Nodes;
using CriShim.Protocol.V1;
using Google.Protobuf;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CriShim.Ctl.Commands;

/// <summary>
/// crictl's config files: a CRI <see cref="PodSandboxConfig"/> or <see cref="ContainerConfig"/> in JSON or
/// YAML, with proto field names (snake_case) or JSON names; unknown fields are ignored, as crictl does.
/// </summary>
internal static class CrictlConfigFile
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static PodSandboxConfig ReadPod(string path) => Read<PodSandboxConfig>(path, "a pod sandbox config");

    public static ContainerConfig ReadContainer(string path) => Read<ContainerConfig>(path, "a container config");

    private static T Read<T>(string path, string what) where T : IMessage<T>, new()
    {
        var text = File.ReadAllText(path);
        var json = text.TrimStart().StartsWith('{') ? text : YamlToJson(text);
        try
        {
            return Parser.Parse<T>(json);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ArgumentException($"{path} is not {what}: {e.Message}");
        }
    }

    /// <summary>YAML to JSON; plain scalars that read as numbers, booleans or null keep that type.</summary>
    public static string YamlToJson(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ArgumentException($"invalid YAML: {e.Message}");
        }
        return stream.Documents.Count == 0 ? "{}" : (Convert(stream.Documents[0].RootNode)?.ToJsonString() ?? "{}");
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", Convert(c.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }
        if (value is "" or "~" or "null")
        {
            return null;
        }
        if (value is "true" or "false")
        {
            return JsonValue.Create(value == "true");
        }
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        return JsonValue.Create(value);
    }
}
