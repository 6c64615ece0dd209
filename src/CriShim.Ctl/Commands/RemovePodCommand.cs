using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

internal sealed class RemovePodCommand : ICommand
{
    public string Name => "rmp";
    public string Summary => "Remove one or more pods: rmp [-a|--all] ID...";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, []);
        var ids = options.Positional;
        if (options.Has("-a", "--all"))
        {
            var all = await context.Cri.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest(), context.Call());
            ids = all.Items.Select(p => p.Id).ToList();
        }
        else if (ids.Count == 0)
        {
            throw new ArgumentException("rmp needs at least one pod id, or --all");
        }
        foreach (var id in ids)
        {
            await context.Cri.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id }, context.Call());
            context.Output.WriteLine($"Removed sandbox {id}");
        }
        return 0;
    }
}
