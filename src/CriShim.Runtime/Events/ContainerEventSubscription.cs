using System.Threading.Channels;
using CriShim.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Events;

/// <summary>One GetContainerEvents stream: a bounded buffer that drops its oldest event when full. Dispose to leave.</summary>
public sealed class ContainerEventSubscription : IDisposable
{
    private readonly Channel<ContainerEventResponse> _buffer;
    private readonly Action<ContainerEventSubscription> _unsubscribe;
    private long _dropped;

    internal ContainerEventSubscription(long number, int capacity, Action<ContainerEventSubscription> unsubscribe, ILogger log)
    {
        Number = number;
        _unsubscribe = unsubscribe;
        _buffer = Channel.CreateBounded<ContainerEventResponse>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped =>
            {
                Interlocked.Increment(ref _dropped);
                log.LogWarning("container event subscriber {Subscriber} is {Capacity} events behind: dropped the {Type} event of {Id}",
                    number, capacity, dropped.ContainerEventType, dropped.ContainerId);
            });
    }

    public long Number { get; }

    /// <summary>Events lost because this subscriber fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void Offer(ContainerEventResponse containerEvent) => _buffer.Writer.TryWrite(containerEvent);

    /// <summary>The events in order, until <paramref name="cancel"/> fires or the subscription is disposed.</summary>
    public IAsyncEnumerable<ContainerEventResponse> ReadAllAsync(CancellationToken cancel) => _buffer.Reader.ReadAllAsync(cancel);

    public void Dispose()
    {
        _unsubscribe(this);
        _buffer.Writer.TryComplete();
    }
}
