using System.Globalization;
using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

/// <summary>
/// <c>crictl exec</c>. Without -i/-t: ExecSync, the command's stdout and stderr copied byte for byte.
/// With -i (stdin) or -t (terminal): the Exec RPC and its streaming URL (SPDY, or WebSocket with
/// --websocket). Either way the command's exit code is returned. Flags go before the container id;
/// everything after it is the command.
/// </summary>
internal sealed class ExecCommand : ICommand
{
    public string Name => "exec";
    public string Summary => "Run a command in a running container: exec [-i] [-t] [--websocket] [--timeout SECONDS] ID COMMAND [ARG...]";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        long timeout = 0;
        var (stdin, tty, webSocket) = (false, false, false);
        var i = 0;
        for (; i < args.Count && args[i].StartsWith('-'); i++)
        {
            switch (args[i])
            {
                case "-s" or "--sync":
                    continue;
                case "--timeout" when i + 1 < args.Count && long.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out timeout):
                    i++;
                    continue;
                case "-i" or "--interactive" or "--stdin":
                    stdin = true;
                    continue;
                case "-t" or "--tty":
                    tty = true;
                    continue;
                case "-it" or "-ti":
                    (stdin, tty) = (true, true);
                    continue;
                case "--websocket":
                    webSocket = true;
                    continue;
                default:
                    throw new ArgumentException($"exec: unknown flag {args[i]}");
            }
        }
        if (args.Count - i < 2)
        {
            throw new ArgumentException("exec needs a container id and a command");
        }
        if (stdin || tty)
        {
            var exec = new ExecRequest { ContainerId = args[i], Stdin = stdin, Tty = tty, Stdout = true, Stderr = !tty };
            exec.Cmd.AddRange(args.Skip(i + 1));
            var url = (await context.Cri.Runtime.ExecAsync(exec, context.Call())).Url;
            return await InteractiveStreams.RunAsync(url, stdin, tty, webSocket);
        }
        var request = new ExecSyncRequest { ContainerId = args[i], Timeout = timeout };
        request.Cmd.AddRange(args.Skip(i + 1));
        var call = timeout > 0 ? context.Call().WithDeadline(DateTime.UtcNow + TimeSpan.FromSeconds(timeout + 30)) : context.Call().WithDeadline(DateTime.MaxValue);
        var response = await context.Cri.Runtime.ExecSyncAsync(request, call);
        await using (var stdout = Console.OpenStandardOutput())
        {
            response.Stdout.WriteTo(stdout);
        }
        await using (var stderr = Console.OpenStandardError())
        {
            response.Stderr.WriteTo(stderr);
        }
        return response.ExitCode;
    }
}
