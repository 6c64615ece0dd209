namespace CriShim.NativeTests.Infrastructure;

/// <summary>
/// A named network namespace (<c>ip netns add crishimtest-&lt;pid&gt;-&lt;n&gt;</c>) standing in for a
/// pod's pinned netns. Names carry the test process id, so namespaces left by a killed run are
/// recognised and removed without touching those of a run still going.
/// </summary>
public sealed class TestNetworkNamespace : IAsyncDisposable
{
    private const string Prefix = "crishimtest-";
    private static int _counter;

    private TestNetworkNamespace(string name) => Name = name;

    public string Name { get; }
    public string Path => $"/run/netns/{Name}";

    public static async Task<TestNetworkNamespace> CreateAsync()
    {
        await RemoveStaleAsync();
        var ns = new TestNetworkNamespace($"{Prefix}{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}");
        await Shell.Run("ip", "netns", "add", ns.Name);
        return ns;
    }

    /// <summary>Runs a command inside the namespace (ip netns exec).</summary>
    public Task<(int Code, string Output)> TryExecAsync(params string[] command) => Shell.TryRun("ip", ["netns", "exec", Name, .. command]);

    public Task<string> ExecAsync(params string[] command) => Shell.Run("ip", ["netns", "exec", Name, .. command]);

    /// <summary>Removes the namespace now (tests of tear-down after the namespace is gone); disposing later is fine.</summary>
    public async Task DeleteAsync() => await Shell.TryRun("ip", "netns", "del", Name);

    public async ValueTask DisposeAsync() => await DeleteAsync();

    private static async Task RemoveStaleAsync()
    {
        if (!Directory.Exists("/run/netns"))
        {
            return;
        }
        foreach (var name in Directory.EnumerateFiles("/run/netns", Prefix + "*").Select(System.IO.Path.GetFileName))
        {
            var owner = name![Prefix.Length..].Split('-')[0];
            if (int.TryParse(owner, out var pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                await Shell.TryRun("ip", "netns", "del", name);
            }
        }
    }
}
