using System.Globalization;
using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

/// <summary><c>crictl stop</c>: the stop signal, then SIGKILL after --timeout seconds (0: at once).</summary>
internal sealed class StopContainerCommand : ICommand
{
    public string Name => "stop";
    public string Summary => "Stop one or more running containers: stop [-t SECONDS] ID...";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, ["-t", "--timeout"]);
        if (options.Positional.Count == 0)
        {
            throw new ArgumentException("stop needs at least one container id");
        }
        var timeout = options.Value("-t", "--timeout") is { } text
            ? long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : throw new ArgumentException($"--timeout '{text}' is not a number of seconds")
            : 0;
        foreach (var id in options.Positional)
        {
            // The call itself must outlive the grace period.
            var call = context.Call().WithDeadline(DateTime.UtcNow + TimeSpan.FromSeconds(timeout) + TimeSpan.FromMinutes(1));
            await context.Cri.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = timeout }, call);
            context.Output.WriteLine(id);
        }
        return 0;
    }
}
