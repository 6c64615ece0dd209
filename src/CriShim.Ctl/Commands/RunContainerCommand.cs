using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

/// <summary><c>crictl run</c>: a new pod, a container in it (image pulled when missing), started.</summary>
internal sealed class RunContainerCommand : ICommand
{
    public string Name => "run";
    public string Summary => "Run a new container inside a new pod: run [--runtime HANDLER] [--no-pull] container-config.json|yaml pod-config.json|yaml";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, ["--runtime", "-r"]);
        if (options.Positional.Count != 2)
        {
            throw new ArgumentException("run needs a container config file and a pod config file");
        }
        var config = CrictlConfigFile.ReadContainer(options.Positional[0]);
        var podConfig = CrictlConfigFile.ReadPod(options.Positional[1]);
        var pod = await context.Cri.Runtime.RunPodSandboxAsync(
            new RunPodSandboxRequest { Config = podConfig, RuntimeHandler = options.Value("--runtime", "-r") ?? "" }, context.Call());
        var id = await CreateContainerCommand.CreateAsync(context, pod.PodSandboxId, config, podConfig, pull: !options.Has("--no-pull"));
        await context.Cri.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id }, context.Call());
        context.Output.WriteLine(id);
        return 0;
    }
}
