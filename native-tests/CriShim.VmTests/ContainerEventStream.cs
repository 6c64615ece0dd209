using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.VmTests;

/// <summary>One GetContainerEvents call, read in the background into a list, as kubelet's evented PLEG holds it open.</summary>
internal sealed class ContainerEventStream : IAsyncDisposable
{
    private readonly AsyncServerStreamingCall<ContainerEventResponse> _call;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ContainerEventResponse> _events = [];
    private readonly Task _reading;

    private ContainerEventStream(AsyncServerStreamingCall<ContainerEventResponse> call)
    {
        _call = call;
        _reading = Task.Run(async () =>
        {
            await foreach (var e in call.ResponseStream.ReadAllAsync(_stop.Token))
            {
                lock (_events)
                {
                    _events.Add(e);
                }
            }
        });
    }

    /// <summary>Opens the stream and waits until the daemon has answered with its headers, so no later event is missed.</summary>
    public static async Task<ContainerEventStream> OpenAsync(RuntimeService.RuntimeServiceClient runtime)
    {
        var call = runtime.GetContainerEvents(new GetEventsRequest());
        await call.ResponseHeadersAsync;
        return new ContainerEventStream(call);
    }

    /// <summary>The events of <paramref name="ids"/> seen so far, once there are at least <paramref name="count"/> of them.</summary>
    public async Task<IReadOnlyList<ContainerEventResponse>> WaitForAsync(int count, TimeSpan timeout, params string[] ids)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            List<ContainerEventResponse> seen;
            lock (_events)
            {
                seen = _events.Where(e => ids.Contains(e.ContainerId)).ToList();
            }
            if (seen.Count >= count)
            {
                return seen;
            }
            Check.True(DateTime.UtcNow < deadline && !_reading.IsCompleted,
                $"{count} events within {timeout}; got {string.Join(", ", seen.Select(e => $"{e.ContainerId[..8]} {e.ContainerEventType}"))}"
                + (_reading.Exception is { } error ? $"; the stream failed: {error.InnerException?.Message}" : ""));
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _call.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException)
        {
        }
        _stop.Dispose();
    }
}
