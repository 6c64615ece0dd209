using System.Globalization;
using CriShim.Protocol.V1;
using Google.Protobuf;

namespace CriShim.Ctl.Commands;

/// <summary><c>crishimctl stats [--id ID] [-p POD] [-o json|table] [--no-trunc]</c>: ListContainerStats as crictl's table.</summary>
internal sealed class StatsCommand : ICommand
{
    public static readonly string[] Headers = ["CONTAINER", "NAME", "CPU %", "MEM", "DISK", "INODES"];

    public string Name => "stats";
    public string Summary => "List container resource usage: stats [--id ID] [-p POD] [-o json|table] [--no-trunc]";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, ["--id", "-p", "--pod", "-o", "--output"]);
        var filter = new ContainerStatsFilter { Id = options.Value("--id") ?? options.Positional.FirstOrDefault() ?? "", PodSandboxId = options.Value("-p", "--pod") ?? "" };
        var response = await context.Cri.Runtime.ListContainerStatsAsync(new ListContainerStatsRequest { Filter = filter }, context.Call());
        if (options.Value("-o", "--output") == "json")
        {
            context.Output.WriteLine(JsonFormatter.Default.Format(response));
            return 0;
        }
        Table.Write(context.Output, Headers, Rows(response.Stats, !options.Has("--no-trunc")));
        return 0;
    }

    public static IEnumerable<string[]> Rows(IEnumerable<ContainerStats> stats, bool truncate) =>
        stats.OrderBy(s => s.Attributes?.Metadata?.Name, StringComparer.Ordinal).Select(s => new[]
        {
            ImageSizes.ShortId(s.Attributes?.Id ?? "", !truncate),
            s.Attributes?.Metadata?.Name ?? "",
            CpuPercent(s.Cpu?.UsageNanoCores),
            ImageSizes.Human(s.Memory?.WorkingSetBytes?.Value ?? 0),
            ImageSizes.Human(s.WritableLayer?.UsedBytes?.Value ?? 0),
            (s.WritableLayer?.InodesUsed?.Value ?? 0).ToString(CultureInfo.InvariantCulture),
        });

    /// <summary>nano-cores as a percentage of one core, two decimals, as crictl prints it.</summary>
    public static string CpuPercent(UInt64Value? nanoCores) =>
        ((nanoCores?.Value ?? 0) / 1e7).ToString("0.00", CultureInfo.InvariantCulture);
}
