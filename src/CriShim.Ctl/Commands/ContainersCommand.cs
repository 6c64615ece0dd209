using System.Globalization;
using CriShim.Protocol.V1;
using Google.Protobuf;

namespace CriShim.Ctl.Commands;

/// <summary><c>crictl ps</c>: running containers, or all with -a; id/pod/state/label filters go to the runtime, the name is matched here.</summary>
internal sealed class ContainersCommand : ICommand
{
    public string Name => "ps";
    public string Summary => "List containers: ps [-a] [--id ID] [-p POD] [--state S] [--label k=v]... [--name N] [-q] [-o json|table] [--no-trunc]";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, ["--id", "-p", "--pod", "--state", "-s", "--label", "--name", "-o", "--output"]);
        var filter = new ContainerFilter { Id = options.Value("--id") ?? "", PodSandboxId = options.Value("-p", "--pod") ?? "" };
        if (options.Value("--state", "-s") is { } state)
        {
            filter.State = new ContainerStateValue { State = ParseState(state) };
        }
        else if (!options.Has("-a", "--all"))
        {
            filter.State = new ContainerStateValue { State = ContainerState.ContainerRunning };
        }
        foreach (var label in options.All("--label"))
        {
            var (key, value) = label.Split('=', 2) is [var k, var v] ? (k, v) : throw new ArgumentException($"--label '{label}' is not key=value");
            filter.LabelSelector[key] = value;
        }
        var response = await context.Cri.Runtime.ListContainersAsync(new ListContainersRequest { Filter = filter }, context.Call());
        var name = options.Value("--name");
        var containers = response.Containers
            .Where(c => name is null || c.Metadata.Name.Contains(name, StringComparison.Ordinal))
            .OrderByDescending(c => c.CreatedAt)
            .ToList();

        if (options.Has("-q", "--quiet"))
        {
            containers.ForEach(c => context.Output.WriteLine(c.Id));
            return 0;
        }
        if (options.Value("-o", "--output") == "json")
        {
            var list = new ListContainersResponse { Containers = { containers } };
            context.Output.WriteLine(new JsonFormatter(JsonFormatter.Settings.Default.WithIndentation()).Format(list));
            return 0;
        }
        var pods = (await context.Cri.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest(), context.Call())).Items
            .ToDictionary(p => p.Id, p => p.Metadata.Name);
        var truncate = !options.Has("--no-trunc");
        string Short(string id) => truncate ? id[..Math.Min(13, id.Length)] : id;
        var rows = containers.Select(c => new[]
        {
            Short(c.Id),
            truncate && c.ImageRef.StartsWith("sha256:", StringComparison.Ordinal) ? c.ImageRef[7..20] : c.ImageRef,
            TimeAgo.From(c.CreatedAt),
            StateName(c.State),
            c.Metadata.Name,
            c.Metadata.Attempt.ToString(CultureInfo.InvariantCulture),
            Short(c.PodSandboxId),
            pods.GetValueOrDefault(c.PodSandboxId, "unknown"),
        });
        Table.Write(context.Output, ["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD"], rows);
        return 0;
    }

    public static string StateName(ContainerState state) => state switch
    {
        ContainerState.ContainerCreated => "Created",
        ContainerState.ContainerRunning => "Running",
        ContainerState.ContainerExited => "Exited",
        _ => "Unknown",
    };

    private static ContainerState ParseState(string state) => state.ToLowerInvariant() switch
    {
        "created" or "container_created" => ContainerState.ContainerCreated,
        "running" or "container_running" => ContainerState.ContainerRunning,
        "exited" or "container_exited" => ContainerState.ContainerExited,
        "unknown" or "container_unknown" => ContainerState.ContainerUnknown,
        _ => throw new ArgumentException($"--state must be created, running, exited or unknown, not '{state}'"),
    };
}
