using System.Text.Json;
using System.Text.Json.Nodes;
using CriShim.Protocol.V1;
using Google.Protobuf;

namespace CriShim.Ctl.Commands;

/// <summary><c>crishimctl imagefsinfo</c>: the image filesystem usage as JSON, as crictl prints it.</summary>
internal sealed class ImageFsInfoCommand : ICommand
{
    public string Name => "imagefsinfo";
    public string Summary => "Return image filesystem info";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var info = await context.Cri.Images.ImageFsInfoAsync(new ImageFsInfoRequest(), context.Call());
        var document = new JsonObject { ["status"] = JsonNode.Parse(JsonFormatter.Default.Format(info)) };
        context.Output.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }
}
