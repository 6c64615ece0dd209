using System.Text.Json;
using System.Text.Json.Nodes;
using CriShim.Protocol.V1;
using Google.Protobuf;

namespace CriShim.Ctl.Commands;

/// <summary>Verbose status of pods as crictl prints it: <c>{"status": ..., "info": ...}</c> with the info parsed as JSON.</summary>
internal sealed class InspectPodCommand : ICommand
{
    /// <summary>With default values, so a READY pod shows <c>"state": "SANDBOX_READY"</c> as crictl prints it.</summary>
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public string Name => "inspectp";
    public string Summary => "Display the status of one or more pods: inspectp ID...";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, ["-o", "--output"]);
        if (options.Positional.Count == 0)
        {
            throw new ArgumentException("inspectp needs at least one pod id");
        }
        foreach (var id in options.Positional)
        {
            var response = await context.Cri.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = id, Verbose = true }, context.Call());
            var document = new JsonObject { ["status"] = JsonNode.Parse(Formatter.Format(response.Status)) };
            foreach (var (key, value) in response.Info.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                document[key] = JsonNode.Parse(value);
            }
            context.Output.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        return 0;
    }
}
