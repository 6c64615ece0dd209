using CriShim.Protocol.V1;
using Google.Protobuf;

namespace CriShim.Ctl.Commands;

/// <summary><c>crishimctl statsp [--id ID] [-o json|table] [--no-trunc]</c>: ListPodSandboxStats as crictl's table.</summary>
internal sealed class PodStatsCommand : ICommand
{
    public static readonly string[] Headers = ["POD", "POD ID", "CPU %", "MEM"];

    public string Name => "statsp";
    public string Summary => "List pod resource usage: statsp [--id ID] [-o json|table] [--no-trunc]";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, ["--id", "-o", "--output"]);
        var filter = new PodSandboxStatsFilter { Id = options.Value("--id") ?? options.Positional.FirstOrDefault() ?? "" };
        var response = await context.Cri.Runtime.ListPodSandboxStatsAsync(new ListPodSandboxStatsRequest { Filter = filter }, context.Call());
        if (options.Value("-o", "--output") == "json")
        {
            context.Output.WriteLine(JsonFormatter.Default.Format(response));
            return 0;
        }
        Table.Write(context.Output, Headers, Rows(response.Stats, !options.Has("--no-trunc")));
        return 0;
    }

    public static IEnumerable<string[]> Rows(IEnumerable<PodSandboxStats> stats, bool truncate) =>
        stats.OrderBy(s => s.Attributes?.Metadata?.Name, StringComparer.Ordinal).Select(s => new[]
        {
            s.Attributes?.Metadata?.Name ?? "",
            ImageSizes.ShortId(s.Attributes?.Id ?? "", !truncate),
            StatsCommand.CpuPercent(s.Linux?.Cpu?.UsageNanoCores),
            ImageSizes.Human(s.Linux?.Memory?.WorkingSetBytes?.Value ?? 0),
        });
}
