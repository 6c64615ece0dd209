using System.Text.Json;
using System.Text.Json.Nodes;
using CriShim.Protocol.V1;
using Google.Protobuf;

namespace CriShim.Ctl.Commands;

/// <summary>Verbose container status as crictl prints it: <c>{"status": ..., "info": ...}</c>.</summary>
internal sealed class InspectContainerCommand : ICommand
{
    public string Name => "inspect";
    public string Summary => "Display the status of one or more containers: inspect ID...";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, ["-o", "--output"]);
        if (options.Positional.Count == 0)
        {
            throw new ArgumentException("inspect needs at least one container id");
        }
        foreach (var id in options.Positional)
        {
            var response = await context.Cri.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id, Verbose = true }, context.Call());
            var document = new JsonObject { ["status"] = JsonNode.Parse(JsonFormatter.Default.Format(response.Status)) };
            foreach (var (key, value) in response.Info.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                document[key] = JsonNode.Parse(value);
            }
            context.Output.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        return 0;
    }
}
