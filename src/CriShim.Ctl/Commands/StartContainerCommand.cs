using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

internal sealed class StartContainerCommand : ICommand
{
    public string Name => "start";
    public string Summary => "Start one or more created containers: start ID...";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new ArgumentException("start needs at least one container id");
        }
        foreach (var id in args)
        {
            await context.Cri.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id }, context.Call());
            context.Output.WriteLine(id);
        }
        return 0;
    }
}
