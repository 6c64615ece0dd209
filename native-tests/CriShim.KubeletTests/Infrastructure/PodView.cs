using System.Text.Json;

namespace CriShim.KubeletTests.Infrastructure;

/// <summary>A pod as the kubelet's <c>/pods</c> reports it (a static pod's status lives only there in standalone mode).</summary>
public sealed class PodView(JsonElement pod)
{
    public JsonElement Json => pod;
    public string Name => pod.GetProperty("metadata").GetProperty("name").GetString()!;
    public string Uid => pod.GetProperty("metadata").GetProperty("uid").GetString()!;
    private JsonElement Status => pod.TryGetProperty("status", out var s) ? s : default;
    public string Phase => Text(Status, "phase");
    public string PodIp => Text(Status, "podIP");

    public bool Ready => Status.ValueKind == JsonValueKind.Object && Status.TryGetProperty("conditions", out var conditions)
        && conditions.EnumerateArray().Any(c => Text(c, "type") == "Ready" && Text(c, "status") == "True");

    public IReadOnlyList<ContainerView> Containers => List("containerStatuses");
    public IReadOnlyList<ContainerView> InitContainers => List("initContainerStatuses");

    public ContainerView Container(string name) =>
        Containers.Concat(InitContainers).FirstOrDefault(c => c.Name == name)
        ?? throw new InvalidOperationException($"pod {Name} reports no status for container {name}: {pod}");

    public bool Has(string container) => Containers.Concat(InitContainers).Any(c => c.Name == container);

    private IReadOnlyList<ContainerView> List(string property) =>
        Status.ValueKind == JsonValueKind.Object && Status.TryGetProperty(property, out var list)
            ? list.EnumerateArray().Select(c => new ContainerView(c)).ToList()
            : [];

    internal static string Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : "";

    public override string ToString() => $"{Name}: {Status}";
}

/// <summary>One container's status: state and last state (running, waiting or terminated), ready, restarts.</summary>
public sealed class ContainerView(JsonElement container)
{
    public string Name => PodView.Text(container, "name");
    public bool Ready => container.TryGetProperty("ready", out var r) && r.GetBoolean();
    public bool Started => container.TryGetProperty("started", out var s) && s.ValueKind == JsonValueKind.True;
    public int RestartCount => container.TryGetProperty("restartCount", out var r) ? r.GetInt32() : 0;

    /// <summary>The CRI id without the <c>crishim://</c> prefix; empty before the first start.</summary>
    public string ContainerId => PodView.Text(container, "containerID") is var id && id.Contains("://") ? id[(id.IndexOf("://") + 3)..] : "";

    public StateView State => new(container.TryGetProperty("state", out var s) ? s : default);
    public StateView LastState => new(container.TryGetProperty("lastState", out var s) ? s : default);

    public override string ToString() => container.ToString();
}

/// <summary><c>{running: {...}}</c>, <c>{waiting: {reason}}</c> or <c>{terminated: {exitCode, reason, ...}}</c>.</summary>
public readonly struct StateView(JsonElement state)
{
    public bool Running => Has("running");
    public bool Waiting => Has("waiting");
    public bool Terminated => Has("terminated");
    public string WaitingReason => Waiting ? PodView.Text(state.GetProperty("waiting"), "reason") : "";
    public int? ExitCode => Terminated ? state.GetProperty("terminated").GetProperty("exitCode").GetInt32() : null;
    public string Reason => Terminated ? PodView.Text(state.GetProperty("terminated"), "reason") : WaitingReason;

    public DateTimeOffset? StartedAt => Time(Running ? "running" : "terminated", "startedAt");
    public DateTimeOffset? FinishedAt => Time("terminated", "finishedAt");

    private bool Has(string kind) => state.ValueKind == JsonValueKind.Object && state.TryGetProperty(kind, out _);

    private DateTimeOffset? Time(string kind, string property) =>
        Has(kind) && PodView.Text(state.GetProperty(kind), property) is { Length: > 0 } text ? DateTimeOffset.Parse(text) : null;

    public override string ToString() => state.ValueKind == JsonValueKind.Undefined ? "{}" : state.ToString();
}
