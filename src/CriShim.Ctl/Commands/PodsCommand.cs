using CriShim.Protocol.V1;
using Google.Protobuf;

namespace CriShim.Ctl.Commands;

/// <summary>Lists pods like <c>crictl pods</c>: id/state/label filters go to the runtime, name and namespace are matched here.</summary>
internal sealed class PodsCommand : ICommand
{
    public string Name => "pods";
    public string Summary => "List pods: pods [--id ID] [--state ready|notready] [--label k=v]... [--name N] [--namespace NS] [-q] [-o json|table] [--no-trunc]";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, ["--id", "--state", "-s", "--label", "--name", "--namespace", "-o", "--output"]);
        var filter = new PodSandboxFilter { Id = options.Value("--id") ?? "" };
        if (options.Value("--state", "-s") is { } state)
        {
            filter.State = new PodSandboxStateValue
            {
                State = state.ToLowerInvariant() switch
                {
                    "ready" or "sandbox_ready" => PodSandboxState.SandboxReady,
                    "notready" or "sandbox_notready" => PodSandboxState.SandboxNotready,
                    _ => throw new ArgumentException($"--state must be ready or notready, not '{state}'"),
                },
            };
        }
        foreach (var label in options.All("--label"))
        {
            var (key, value) = label.Split('=', 2) is [var k, var v] ? (k, v) : throw new ArgumentException($"--label '{label}' is not key=value");
            filter.LabelSelector[key] = value;
        }
        var response = await context.Cri.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest { Filter = filter }, context.Call());
        var name = options.Value("--name");
        var ns = options.Value("--namespace");
        var pods = response.Items
            .Where(p => name is null || p.Metadata.Name.Contains(name, StringComparison.Ordinal))
            .Where(p => ns is null || p.Metadata.Namespace.Contains(ns, StringComparison.Ordinal))
            .OrderByDescending(p => p.CreatedAt)
            .ToList();

        if (options.Has("-q", "--quiet"))
        {
            pods.ForEach(p => context.Output.WriteLine(p.Id));
            return 0;
        }
        if (options.Value("-o", "--output") == "json")
        {
            var list = new ListPodSandboxResponse { Items = { pods } };
            context.Output.WriteLine(new JsonFormatter(JsonFormatter.Settings.Default.WithIndentation()).Format(list));
            return 0;
        }
        var truncate = !options.Has("--no-trunc");
        var rows = pods.Select(p => new[]
        {
            truncate ? p.Id[..Math.Min(13, p.Id.Length)] : p.Id,
            TimeAgo.From(p.CreatedAt),
            p.State == PodSandboxState.SandboxReady ? "Ready" : "NotReady",
            p.Metadata.Name,
            p.Metadata.Namespace,
            p.Metadata.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
            p.RuntimeHandler.Length > 0 ? p.RuntimeHandler : "(default)",
        });
        Table.Write(context.Output, ["POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"], rows);
        return 0;
    }
}
