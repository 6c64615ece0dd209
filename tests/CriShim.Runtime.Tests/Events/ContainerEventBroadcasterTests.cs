using CriShim.Protocol.V1;
using CriShim.Runtime.Events;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Tests.Events;

public sealed class ContainerEventBroadcasterTests
{
    private readonly RecordingLogger _log = new();

    private static ContainerEventResponse Event(string id, ContainerEventType type = ContainerEventType.ContainerCreatedEvent) =>
        new() { ContainerId = id, ContainerEventType = type };

    [Fact]
    public async Task Every_subscriber_gets_every_event_in_publishing_order()
    {
        var broadcaster = new ContainerEventBroadcaster(_log);
        using var first = broadcaster.Subscribe();
        using var second = broadcaster.Subscribe();
        var published = Enumerable.Range(0, 50).Select(i => Event($"c{i}", (ContainerEventType)(i % 4))).ToList();

        // Publishers on several threads: whatever order the broadcaster settles on, both subscribers see that one.
        await Task.WhenAll(published.Chunk(10).Select(chunk => Task.Run(() =>
        {
            foreach (var e in chunk)
            {
                broadcaster.Publish(e);
            }
        })));

        var a = await TakeAsync(first, 50);
        var b = await TakeAsync(second, 50);
        Assert.Equal(a, b);
        Assert.Equal(published.Select(e => e.ContainerId).Order(), a.Select(e => e.ContainerId).Order());
        foreach (var chunk in published.Chunk(10))
        {
            // One publisher's events keep their order.
            Assert.Equal(chunk.Select(e => e.ContainerId), a.Select(e => e.ContainerId).Where(id => chunk.Any(c => c.ContainerId == id)));
        }
    }

    [Fact]
    public async Task A_subscriber_gets_only_what_is_published_after_it_joined()
    {
        var broadcaster = new ContainerEventBroadcaster(_log);
        broadcaster.Publish(Event("before"));
        using var late = broadcaster.Subscribe();
        broadcaster.Publish(Event("after"));

        Assert.Equal(["after"], (await TakeAsync(late, 1)).Select(e => e.ContainerId));
    }

    [Fact]
    public async Task A_slow_subscriber_loses_its_oldest_events_with_a_log_line_and_does_not_hold_up_the_others()
    {
        var broadcaster = new ContainerEventBroadcaster(_log, capacity: 3);
        using var slow = broadcaster.Subscribe();
        using var fast = broadcaster.Subscribe();
        var fastSeen = new List<string>();

        for (var i = 0; i < 5; i++)
        {
            broadcaster.Publish(Event($"c{i}"));
            fastSeen.AddRange((await TakeAsync(fast, 1)).Select(e => e.ContainerId));
        }

        Assert.Equal(["c0", "c1", "c2", "c3", "c4"], fastSeen);
        Assert.Equal(["c2", "c3", "c4"], (await TakeAsync(slow, 3)).Select(e => e.ContainerId));
        Assert.Equal(2, slow.Dropped);
        Assert.Equal(0, fast.Dropped);
        Assert.Equal(2, _log.Warnings.Count(w => w.Contains($"subscriber {slow.Number}") && w.Contains("dropped")));
        Assert.Contains(_log.Warnings, w => w.Contains("c0"));
    }

    [Fact]
    public async Task A_disposed_subscription_leaves_and_its_stream_ends()
    {
        var broadcaster = new ContainerEventBroadcaster(_log);
        var subscription = broadcaster.Subscribe();
        Assert.Equal(1, broadcaster.SubscriberCount);

        subscription.Dispose();
        broadcaster.Publish(Event("ignored"));

        Assert.Equal(0, broadcaster.SubscriberCount);
        Assert.Empty(await subscription.ReadAllAsync(CancellationToken.None).ToListAsync());
    }

    private static async Task<List<ContainerEventResponse>> TakeAsync(ContainerEventSubscription subscription, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var events = new List<ContainerEventResponse>();
        await foreach (var e in subscription.ReadAllAsync(timeout.Token))
        {
            events.Add(e);
            if (events.Count == count)
            {
                break;
            }
        }
        return events;
    }

    private sealed class RecordingLogger : ILogger<ContainerEventBroadcaster>
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                lock (Warnings)
                {
                    Warnings.Add(formatter(state, exception));
                }
            }
        }
    }
}
