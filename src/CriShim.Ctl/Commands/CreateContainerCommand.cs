using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

/// <summary><c>crictl create</c>: creates a container in a pod, pulling its image first unless it is present or --no-pull.</summary>
internal sealed class CreateContainerCommand : ICommand
{
    public string Name => "create";
    public string Summary => "Create a new container: create [--no-pull] POD-ID container-config.json|yaml pod-config.json|yaml";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, []);
        if (options.Positional.Count != 3)
        {
            throw new ArgumentException("create needs a pod id, a container config file and a pod config file");
        }
        var id = await CreateAsync(context, options.Positional[0], CrictlConfigFile.ReadContainer(options.Positional[1]),
            CrictlConfigFile.ReadPod(options.Positional[2]), pull: !options.Has("--no-pull"));
        context.Output.WriteLine(id);
        return 0;
    }

    public static async Task<string> CreateAsync(CommandContext context, string podId, ContainerConfig config, PodSandboxConfig podConfig, bool pull)
    {
        if (pull && config.Image is { Image.Length: > 0 } image)
        {
            var status = await context.Cri.Images.ImageStatusAsync(new ImageStatusRequest { Image = image }, context.Call());
            if (status.Image is null)
            {
                await context.Cri.Images.PullImageAsync(new PullImageRequest { Image = image, SandboxConfig = podConfig }, context.Call());
            }
        }
        var response = await context.Cri.Runtime.CreateContainerAsync(
            new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = podConfig }, context.Call());
        return response.ContainerId;
    }
}
