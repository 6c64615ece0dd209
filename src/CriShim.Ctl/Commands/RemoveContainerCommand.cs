using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

/// <summary><c>crictl rm</c>: refuses running containers unless --force; --all removes every container.</summary>
internal sealed class RemoveContainerCommand : ICommand
{
    public string Name => "rm";
    public string Summary => "Remove one or more containers: rm [-f] [-a] ID...";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, []);
        var force = options.Has("-f", "--force");
        var ids = options.Positional.ToList();
        if (options.Has("-a", "--all"))
        {
            var all = await context.Cri.Runtime.ListContainersAsync(new ListContainersRequest(), context.Call());
            ids.AddRange(all.Containers.Select(c => c.Id));
        }
        if (ids.Count == 0)
        {
            throw new ArgumentException("rm needs at least one container id (or --all)");
        }
        var failed = 0;
        foreach (var id in ids)
        {
            if (!force)
            {
                var status = await context.Cri.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id }, context.Call());
                if (status.Status.State == ContainerState.ContainerRunning)
                {
                    Console.Error.WriteLine($"crishimctl: container {id} is running; stop it first or use --force");
                    failed++;
                    continue;
                }
            }
            await context.Cri.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id }, context.Call());
            context.Output.WriteLine(id);
        }
        return failed == 0 ? 0 : 1;
    }
}
