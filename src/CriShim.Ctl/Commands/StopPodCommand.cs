using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

internal sealed class StopPodCommand : ICommand
{
    public string Name => "stopp";
    public string Summary => "Stop one or more running pods: stopp ID...";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new ArgumentException("stopp needs at least one pod id");
        }
        foreach (var id in args)
        {
            await context.Cri.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id }, context.Call());
            context.Output.WriteLine($"Stopped sandbox {id}");
        }
        return 0;
    }
}
