using CriShim.Ctl;
using CriShim.Ctl.Commands;
using Grpc.Core;

List<ICommand> commands = [new VersionCommand(), new InfoCommand(), new RunPodCommand(), new PodsCommand(), new InspectPodCommand(), new StopPodCommand(), new RemovePodCommand(),
    new CreateContainerCommand(), new StartContainerCommand(), new StopContainerCommand(), new RemoveContainerCommand(), new ContainersCommand(),
    new InspectContainerCommand(), new LogsCommand(), new ExecCommand(), new AttachCommand(), new PortForwardCommand(), new RunContainerCommand(),
    new ImagesCommand(), new PullCommand(), new RmiCommand(), new InspectImageCommand(), new ImageFsInfoCommand(),
    new StatsCommand(), new PodStatsCommand(), new EventsCommand()];
commands.Add(new CompletionCommand(commands));

try
{
    var options = GlobalOptions.Parse(args);
    if (options.Rest.Count == 0 || options.HelpRequested)
    {
        PrintUsage();
        return options.HelpRequested ? 0 : 1;
    }
    var command = commands.FirstOrDefault(c => c.Name == options.Rest[0]);
    if (command is null)
    {
        Console.Error.WriteLine($"crishimctl: unknown command '{options.Rest[0]}'");
        PrintUsage();
        return 1;
    }
    using var connection = new CriConnection(options.Endpoint);
    return await command.RunAsync(new CommandContext(connection, options.Timeout, Console.Out), options.Rest.Skip(1).ToList());
}
catch (RpcException e)
{
    Console.Error.WriteLine($"crishimctl: {e.StatusCode}: {e.Status.Detail}");
    return 1;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"crishimctl: {e.Message}");
    return 1;
}

void PrintUsage()
{
    Console.Error.WriteLine("usage: crishimctl [--runtime-endpoint unix:///path] [--timeout 10s] COMMAND [ARGS]");
    Console.Error.WriteLine();
    foreach (var c in commands)
    {
        Console.Error.WriteLine($"  {c.Name,-14}{c.Summary}");
    }
}
