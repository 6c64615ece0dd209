using CriShim.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Events;

/// <summary>
/// GetContainerEvents: every event goes to every subscriber, in the order it was published. Publishing never
/// waits for a subscriber: each has a bounded buffer of its own, and a subscriber that falls behind loses its
/// oldest events (logged), never slowing the runtime or the other subscribers.
/// </summary>
public sealed class ContainerEventBroadcaster(ILogger<ContainerEventBroadcaster> log, int capacity = ContainerEventBroadcaster.DefaultCapacity)
{
    /// <summary>Events buffered per subscriber, as containerd's event queue holds.</summary>
    public const int DefaultCapacity = 1000;

    private readonly Lock _gate = new();
    private IReadOnlyList<ContainerEventSubscription> _subscribers = [];
    private long _nextSubscriber;

    public int SubscriberCount => _subscribers.Count;

    /// <summary>A new subscriber, which gets every event published from now on until it is disposed.</summary>
    public ContainerEventSubscription Subscribe()
    {
        lock (_gate)
        {
            var subscription = new ContainerEventSubscription(++_nextSubscriber, capacity, Unsubscribe, log);
            _subscribers = [.. _subscribers, subscription];
            log.LogDebug("container event subscriber {Subscriber} joined ({Count} now)", subscription.Number, _subscribers.Count);
            return subscription;
        }
    }

    /// <summary>Hands the event to every subscriber; the lock makes all of them see the same order.</summary>
    public void Publish(ContainerEventResponse containerEvent)
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Offer(containerEvent);
            }
        }
    }

    private void Unsubscribe(ContainerEventSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Where(s => s != subscription).ToList();
        }
    }
}
