using System.Text.Json;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.Ctl.Commands;

/// <summary>
/// <c>crishimctl pull [--creds USER:PASS] [--auth BASE64] IMAGE</c>. While the pull runs, a progress
/// bar on a terminal's stderr shows what verbose ImageStatus reports in <c>pullProgress</c>.
/// </summary>
internal sealed class PullCommand : ICommand
{
    private const int BarWidth = 30;

    public string Name => "pull";
    public string Summary => "Pull an image from a registry";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var auth = new AuthConfig();
        string? image = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--creds" when i + 1 < args.Count:
                    var parts = args[++i].Split(':', 2);
                    auth.Username = parts[0];
                    auth.Password = parts.Length > 1 ? parts[1] : "";
                    break;
                case "--auth" when i + 1 < args.Count:
                    auth.Auth = args[++i];
                    break;
                case var a when a.StartsWith('-'):
                    throw new ArgumentException($"pull: unknown flag {a}");
                default:
                    image = args[i];
                    break;
            }
        }
        if (image is null)
        {
            throw new ArgumentException("usage: crishimctl pull [--creds USER:PASS] [--auth BASE64] IMAGE");
        }
        var request = new PullImageRequest { Image = new ImageSpec { Image = image }, Auth = auth };
        // Pulls of large images take longer than the per-call timeout; no deadline here.
        var pull = context.Cri.Images.PullImageAsync(request, new CallOptions()).ResponseAsync;
        var showBar = !Console.IsErrorRedirected;
        while (!pull.IsCompleted)
        {
            await Task.WhenAny(pull, Task.Delay(250));
            if (showBar && !pull.IsCompleted)
            {
                await DrawAsync(context, image);
            }
        }
        if (showBar)
        {
            Console.Error.Write("\r" + new string(' ', BarWidth + 50) + "\r");
        }
        var response = await pull;
        context.Output.WriteLine($"Image is up to date for {response.ImageRef}");
        return 0;
    }

    private static async Task DrawAsync(CommandContext context, string image)
    {
        ImageStatusResponse status;
        try
        {
            status = await context.Cri.Images.ImageStatusAsync(
                new ImageStatusRequest { Image = new ImageSpec { Image = image }, Verbose = true }, context.Call());
        }
        catch (RpcException)
        {
            return;
        }
        if (!status.Info.TryGetValue("pullProgress", out var json))
        {
            return;
        }
        using var progress = JsonDocument.Parse(json);
        var root = progress.RootElement;
        var done = root.GetProperty("bytesDone").GetInt64();
        var total = Math.Max(1, root.GetProperty("bytesTotal").GetInt64());
        var filled = (int)Math.Clamp(done * BarWidth / total, 0, BarWidth);
        Console.Error.Write($"\r[{new string('#', filled)}{new string(' ', BarWidth - filled)}] {done * 100 / total,3}%  " +
            $"{root.GetProperty("layersDone").GetInt32()}/{root.GetProperty("layersTotal").GetInt32()} layers  " +
            $"{ImageSizes.Human((ulong)done)}/{ImageSizes.Human((ulong)total)}   ");
    }
}
