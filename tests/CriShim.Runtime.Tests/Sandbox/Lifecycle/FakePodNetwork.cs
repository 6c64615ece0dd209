using CriShim.Runtime.Errors;
using CriShim.Runtime.Network;

namespace CriShim.Runtime.Tests.Sandbox.Lifecycle;

/// <summary>
/// The pod network as the sandbox lifecycle sees CNI: an attachment is cached from the start of ADD until DEL, as
/// <c>CniNetwork</c>'s cache survives a daemon restart; each ADD hands out the next address. ADD can be told to fail
/// (nothing stays attached, as a plugin's failure is undone) or to hang (the daemon dies waiting for it).
/// </summary>
internal sealed class FakePodNetwork : IPodNetwork
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _attached = new(StringComparer.Ordinal);
    private readonly List<string> _setUps = [];
    private readonly List<string> _tearDowns = [];
    private int _lastAddress = 1;

    /// <summary>The error the next ADD fails with.</summary>
    public string? NextSetUpError { get; set; }

    /// <summary>Whether the next ADD never answers.</summary>
    public bool NextSetUpHangs { get; set; }

    /// <summary>How many ADDs hang now.</summary>
    public int Hanging { get; private set; }

    /// <summary>The sandboxes of each ADD, in order.</summary>
    public IReadOnlyList<string> SetUps => Copy(_setUps);

    /// <summary>The sandboxes of each DEL, in order.</summary>
    public IReadOnlyList<string> TearDowns => Copy(_tearDowns);

    public Task<PodNetworkResult> SetUpAsync(PodNetworkRequest request, CancellationToken cancel)
    {
        if (!File.Exists(request.NetnsPath))
        {
            throw new FailedPreconditionException($"network namespace {request.NetnsPath} of sandbox {request.SandboxId} does not exist");
        }
        lock (_lock)
        {
            _setUps.Add(request.SandboxId);
            _attached.Add(request.SandboxId);
            if (NextSetUpHangs)
            {
                NextSetUpHangs = false;
                Hanging++;
                return new TaskCompletionSource<PodNetworkResult>().Task;
            }
            if (NextSetUpError is { } error)
            {
                NextSetUpError = null;
                _attached.Remove(request.SandboxId);
                throw new CniPluginException("bridge", "ADD", null, error);
            }
            _lastAddress++;
            return Task.FromResult(new PodNetworkResult([$"10.88.0.{_lastAddress}"], $$"""{"cniVersion":"1.0.0","ips":[{"address":"10.88.0.{{_lastAddress}}/24"}]}"""));
        }
    }

    public Task TearDownAsync(string sandboxId, CancellationToken cancel)
    {
        lock (_lock)
        {
            _tearDowns.Add(sandboxId);
            _attached.Remove(sandboxId);
        }
        return Task.CompletedTask;
    }

    public IReadOnlyList<string> AttachedSandboxes() => Copy(_attached);

    public Task CheckAsync(string sandboxId, CancellationToken cancel) => Task.CompletedTask;

    private List<string> Copy(IEnumerable<string> sandboxes)
    {
        lock (_lock)
        {
            return [.. sandboxes];
        }
    }
}
