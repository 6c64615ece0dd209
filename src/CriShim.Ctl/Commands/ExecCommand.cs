using System.Globalization;
using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

/// <summary>
/// <c>crictl exec</c> without a terminal: ExecSync, the command's stdout and stderr copied byte for
/// byte, its exit code returned. Flags go before the container id; everything after it is the command.
/// </summary>
internal sealed class ExecCommand : ICommand
{
    public string Name => "exec";
    public string Summary => "Run a command in a running container (non-interactive): exec [--timeout SECONDS] ID COMMAND [ARG...]";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        long timeout = 0;
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
                case "-i" or "-t" or "-it" or "-ti" or "--interactive" or "--tty":
                    throw new ArgumentException("interactive exec needs the streaming server, which crishim does not have yet; run exec without -i/-t");
                default:
                    throw new ArgumentException($"exec: unknown flag {args[i]}");
            }
        }
        if (args.Count - i < 2)
        {
            throw new ArgumentException("exec needs a container id and a command");
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
