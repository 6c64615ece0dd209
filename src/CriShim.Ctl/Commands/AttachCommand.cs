using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

/// <summary><c>crictl attach</c>: the Attach RPC, then the container's own stdio over its streaming URL.</summary>
internal sealed class AttachCommand : ICommand
{
    public string Name => "attach";
    public string Summary => "Attach to a running container: attach [-i] [-t] [--websocket] ID";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var parsed = new CommandArguments(args, []);
        if (parsed.Positional.Count != 1)
        {
            throw new ArgumentException("attach needs exactly one container id");
        }
        var stdin = parsed.Has("-i", "--stdin", "-it", "-ti");
        var tty = parsed.Has("-t", "--tty", "-it", "-ti");
        var request = new AttachRequest { ContainerId = parsed.Positional[0], Stdin = stdin, Tty = tty, Stdout = true, Stderr = !tty };
        var url = (await context.Cri.Runtime.AttachAsync(request, context.Call())).Url;
        return await InteractiveStreams.RunAsync(url, stdin, tty, parsed.Has("--websocket"));
    }
}
