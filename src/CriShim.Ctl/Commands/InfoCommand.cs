using System.Text.Json;
using System.Text.Json.Nodes;
using CriShim.Protocol.V1;
using Google.Protobuf;

namespace CriShim.Ctl.Commands;

/// <summary>Runtime status conditions and, as crictl shows it, the verbose info map parsed as JSON.</summary>
internal sealed class InfoCommand : ICommand
{
    public string Name => "info";
    public string Summary => "Display information of the container runtime";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var status = await context.Cri.Runtime.StatusAsync(new StatusRequest { Verbose = true }, context.Call());
        var document = new JsonObject
        {
            ["status"] = JsonNode.Parse(JsonFormatter.Default.Format(status.Status)),
        };
        foreach (var (key, value) in status.Info.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            document[key] = ParseOrString(value);
        }
        context.Output.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static JsonNode? ParseOrString(string value)
    {
        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return JsonValue.Create(value);
        }
    }
}
