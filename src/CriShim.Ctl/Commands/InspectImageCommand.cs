using System.Text.Json;
using System.Text.Json.Nodes;
using CriShim.Protocol.V1;
using Google.Protobuf;

namespace CriShim.Ctl.Commands;

/// <summary><c>crishimctl inspecti IMAGE</c>: verbose ImageStatus as JSON, the <c>info</c> values parsed, as crictl prints it.</summary>
internal sealed class InspectImageCommand : ICommand
{
    public string Name => "inspecti";
    public string Summary => "Return the status of one or more images";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new ArgumentException("usage: crishimctl inspecti IMAGE...");
        }
        foreach (var reference in args)
        {
            var status = await context.Cri.Images.ImageStatusAsync(
                new ImageStatusRequest { Image = new ImageSpec { Image = reference }, Verbose = true }, context.Call());
            if (status.Image is null)
            {
                Console.Error.WriteLine($"crishimctl: no such image {reference} present");
                return 1;
            }
            var document = new JsonObject { ["status"] = JsonNode.Parse(JsonFormatter.Default.Format(status.Image)) };
            foreach (var (key, value) in status.Info)
            {
                document[key] = JsonNode.Parse(value);
            }
            context.Output.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        return 0;
    }
}
