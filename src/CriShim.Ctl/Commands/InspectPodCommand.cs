using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

/// <summary>Verbose status of pods in crictl's JSON (<see cref="CrictlJson"/>); a READY pod shows <c>"state": "SANDBOX_READY"</c>.</summary>
internal sealed class InspectPodCommand : ICommand
{
    public string Name => "inspectp";
    public string Summary => "Display the status of one or more pods: inspectp ID...";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, ["-o", "--output"]);
        if (options.Positional.Count == 0)
        {
            throw new ArgumentException("inspectp needs at least one pod id");
        }
        foreach (var id in options.Positional)
        {
            var response = await context.Cri.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = id, Verbose = true }, context.Call());
            context.Output.WriteLine(CrictlJson.Document(response.Status,
                new Dictionary<string, long?> { ["createdAt"] = response.Status.CreatedAt }, response.Info));
        }
        return 0;
    }
}
