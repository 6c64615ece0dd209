using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

internal sealed class RunPodCommand : ICommand
{
    public string Name => "runp";
    public string Summary => "Run a new pod: runp [--runtime HANDLER] pod-config.json|yaml";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, ["--runtime", "-r"]);
        if (options.Positional.Count != 1)
        {
            throw new ArgumentException("runp needs exactly one pod config file");
        }
        var config = CrictlConfigFile.ReadPod(options.Positional[0]);
        var response = await context.Cri.Runtime.RunPodSandboxAsync(
            new RunPodSandboxRequest { Config = config, RuntimeHandler = options.Value("--runtime", "-r") ?? "" }, context.Call());
        context.Output.WriteLine(response.PodSandboxId);
        return 0;
    }
}
