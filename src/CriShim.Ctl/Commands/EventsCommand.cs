using CriShim.Protocol.V1;
using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace CriShim.Ctl.Commands;

/// <summary>
/// <c>crishimctl events [-o json|table] [--no-trunc]</c>: GetContainerEvents as a live table, one row per event
/// as it arrives, until interrupted or the runtime ends the stream.
/// </summary>
internal sealed class EventsCommand : ICommand
{
    public static readonly string[] Headers = ["TIME", "TYPE", "CONTAINER", "POD"];
    private static readonly int[] Widths = [32, 26, 16, 0];

    public string Name => "events";
    public string Summary => "Watch container and pod events: events [-o json|table] [--no-trunc]";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, ["-o", "--output"]);
        var json = options.Value("-o", "--output") == "json";
        var truncate = !options.Has("--no-trunc");
        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };
        // A watch has no deadline: it lasts as long as the user wants it.
        using var call = context.Cri.Runtime.GetContainerEvents(new GetEventsRequest(), new CallOptions(cancellationToken: interrupted.Token));
        if (!json)
        {
            context.Output.WriteLine(Line(Headers));
        }
        try
        {
            await foreach (var e in call.ResponseStream.ReadAllAsync(interrupted.Token))
            {
                context.Output.WriteLine(json ? JsonFormatter.Default.Format(e) : Line(Row(e, truncate)));
                context.Output.Flush();
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && interrupted.IsCancellationRequested)
        {
        }
        return 0;
    }

    public static string[] Row(ContainerEventResponse e, bool truncate) =>
    [
        CrictlJson.Rfc3339Nano(e.CreatedAt),
        ProtoName(e.ContainerEventType),
        ImageSizes.ShortId(e.ContainerId, !truncate),
        e.PodSandboxStatus?.Metadata is { } pod ? $"{pod.Namespace}/{pod.Name}" : "",
    ];

    /// <summary>The enum value as the proto spells it (CONTAINER_CREATED_EVENT), as crictl prints it.</summary>
    public static string ProtoName(ContainerEventType type) =>
        typeof(ContainerEventType).GetField(type.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? type.ToString();

    /// <summary>Fixed widths: rows are printed as they come, before the widest one is known.</summary>
    public static string Line(IReadOnlyList<string> cells) =>
        string.Concat(cells.Select((cell, i) => Widths[i] == 0 ? cell : cell.PadRight(Math.Max(Widths[i], cell.Length + 3)))).TrimEnd();
}
