using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

/// <summary>Verbose container status in crictl's JSON (<see cref="CrictlJson"/>): <c>{"info": ..., "status": ...}</c>.</summary>
internal sealed class InspectContainerCommand : ICommand
{
    public string Name => "inspect";
    public string Summary => "Display the status of one or more containers: inspect ID...";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, ["-o", "--output"]);
        if (options.Positional.Count == 0)
        {
            throw new ArgumentException("inspect needs at least one container id");
        }
        foreach (var id in options.Positional)
        {
            var response = await context.Cri.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id, Verbose = true }, context.Call());
            var status = response.Status;
            context.Output.WriteLine(CrictlJson.Document(status, new Dictionary<string, long?>
            {
                ["createdAt"] = status.CreatedAt,
                ["startedAt"] = status.State == ContainerState.ContainerCreated ? null : status.StartedAt,
                ["finishedAt"] = status.State is ContainerState.ContainerExited or ContainerState.ContainerUnknown ? status.FinishedAt : null,
            }, response.Info));
        }
        return 0;
    }
}
