using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;
using static CriShim.Protocol.V1.ContainerEventType;

namespace CriShim.NativeTests.Events;

/// <summary>GetContainerEvents as kubelet's evented PLEG consumes it: every subscriber gets the same events, in order, including exits nobody asked about.</summary>
[Collection("containers")]
public sealed class ContainerEventsTests(ContainerImagesFixture images)
{
    /// <summary>How often the daemon's exit watcher sweeps for what leaves no file behind (Runtime.Events.ExitWatcher).</summary>
    private static readonly TimeSpan ExitWatcherSweep = TimeSpan.FromSeconds(5);

    [RootFact]
    public async Task Two_subscribers_get_the_same_ordered_events_for_a_whole_pod_and_container_lifecycle()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        await using var first = await EventStream.OpenAsync(scene.Runtime);
        await using var second = await EventStream.OpenAsync(scene.Runtime);

        var (pod, podConfig) = await scene.PodAsync("events");
        var container = await scene.RunAsync(pod, podConfig, scene.Config("quitter", "sh", "-c", "sleep 1; exit 3"));
        // Nobody asks for the container's status: the STOPPED event must come from the daemon noticing the exit itself.
        var untilStopped = await first.WaitForAsync(5, TimeSpan.FromSeconds(10));
        await scene.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = container });
        await scene.Pods.StopAsync(pod);
        await scene.Pods.RemoveAsync(pod);

        var expected = new[]
        {
            (pod, ContainerCreatedEvent), (pod, ContainerStartedEvent),
            (container, ContainerCreatedEvent), (container, ContainerStartedEvent), (container, ContainerStoppedEvent), (container, ContainerDeletedEvent),
            (pod, ContainerStoppedEvent), (pod, ContainerDeletedEvent),
        };
        var seen = await first.WaitForAsync(expected.Length, TimeSpan.FromSeconds(10));
        Assert.Equal(expected, seen.Select(e => (e.ContainerId, e.ContainerEventType)));
        Assert.Equal(seen, await second.WaitForAsync(expected.Length, TimeSpan.FromSeconds(10)));
        Assert.Equal(seen.Select(e => e.CreatedAt).Order(), seen.Select(e => e.CreatedAt));

        var started = seen[3];
        var stopped = seen[4];
        Assert.Equal(stopped, untilStopped[4]);
        Assert.True(stopped.CreatedAt - started.CreatedAt < 3_000_000_000L, $"the exit was noticed {(stopped.CreatedAt - started.CreatedAt) / 1e9} s after the start");
        var exited = Assert.Single(stopped.ContainersStatuses);
        Assert.Equal((container, ContainerState.ContainerExited, 3), (exited.Id, exited.State, exited.ExitCode));
        Assert.Equal(PodSandboxState.SandboxReady, stopped.PodSandboxStatus.State);
        Assert.Equal(pod, stopped.PodSandboxStatus.Id);
        Assert.Equal(ContainerState.ContainerRunning, Assert.Single(started.ContainersStatuses).State);
        Assert.Equal(ContainerState.ContainerCreated, Assert.Single(seen[2].ContainersStatuses).State);
        Assert.Empty(seen[5].ContainersStatuses); // the deleted container is gone from its pod
        Assert.Equal(PodSandboxState.SandboxNotready, seen[6].PodSandboxStatus.State);
        Assert.Null(seen[7].PodSandboxStatus); // the pod is gone, as containerd sends it
        Assert.Equal(PodSandboxState.SandboxReady, seen[1].PodSandboxStatus.State);
    }

    [RootFact]
    public async Task After_a_daemon_restart_an_exit_of_a_container_started_before_it_is_still_reported()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("eventsrestart");
        var container = await scene.RunAsync(pod, podConfig,
            scene.Config("waiter", "sh", "-c", "while [ ! -e /tmp/go ]; do sleep 0.1; done; exit 0"));

        await scene.Daemon.RestartAsync();
        await using var stream = await EventStream.OpenAsync(scene.Runtime);
        var (exit, _, stderr) = await scene.ExecAsync(container, 10, "sh", "-c", "touch /tmp/go");
        Assert.True(exit == 0, stderr);

        var stopped = Assert.Single(await stream.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal((container, ContainerStoppedEvent), (stopped.ContainerId, stopped.ContainerEventType));
        Assert.Equal(0, stopped.ContainersStatuses.Single().ExitCode);
        Assert.Equal("Completed", stopped.ContainersStatuses.Single().Reason);
    }

    [RootFact]
    public async Task A_pod_whose_pause_dies_on_its_own_gets_a_stopped_event_and_becomes_notready()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, _) = await scene.PodAsync("eventspause");
        var pause = await scene.Pods.PausePidAsync(pod);
        await using var stream = await EventStream.OpenAsync(scene.Runtime);

        Assert.True(Tmds.Linux.LibC.kill(pause, Tmds.Linux.LibC.SIGKILL) == 0);

        var stopped = Assert.Single(await stream.WaitForAsync(1, ExitWatcherSweep + TimeSpan.FromSeconds(5)));
        Assert.Equal((pod, ContainerStoppedEvent), (stopped.ContainerId, stopped.ContainerEventType));
        Assert.Equal(PodSandboxState.SandboxNotready, stopped.PodSandboxStatus.State);
        await scene.Pods.StopAsync(pod);
        await Task.Delay(500);
        Assert.Single(await stream.WaitForAsync(1, TimeSpan.Zero)); // StopPodSandbox reports no second stop
    }

    [RootFact]
    public async Task A_subscriber_that_hangs_up_leaves_the_others_and_the_runtime_unaffected()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var gone = await EventStream.OpenAsync(scene.Runtime);
        await using var staying = await EventStream.OpenAsync(scene.Runtime);
        await gone.DisposeAsync();

        var (pod, _) = await scene.PodAsync("eventshangup");

        var seen = await staying.WaitForAsync(2, TimeSpan.FromSeconds(10));
        Assert.Equal([(pod, ContainerCreatedEvent), (pod, ContainerStartedEvent)], seen.Select(e => (e.ContainerId, e.ContainerEventType)));
    }

    /// <summary>One GetContainerEvents call, read in the background into a list.</summary>
    private sealed class EventStream : IAsyncDisposable
    {
        private readonly AsyncServerStreamingCall<ContainerEventResponse> _call;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<ContainerEventResponse> _events = [];
        private readonly Task _reading;

        private EventStream(AsyncServerStreamingCall<ContainerEventResponse> call)
        {
            _call = call;
            _reading = Task.Run(async () =>
            {
                try
                {
                    await foreach (var e in call.ResponseStream.ReadAllAsync(_stop.Token))
                    {
                        lock (_events)
                        {
                            _events.Add(e);
                        }
                    }
                }
                catch (Exception e) when (e is OperationCanceledException || e is RpcException { StatusCode: StatusCode.Cancelled })
                {
                }
            });
        }

        /// <summary>Returns once the daemon has subscribed (it sends the headers then).</summary>
        public static async Task<EventStream> OpenAsync(RuntimeService.RuntimeServiceClient runtime)
        {
            var call = runtime.GetContainerEvents(new GetEventsRequest());
            await call.ResponseHeadersAsync;
            return new EventStream(call);
        }

        public async Task<List<ContainerEventResponse>> WaitForAsync(int count, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                lock (_events)
                {
                    if (_events.Count >= count)
                    {
                        return [.. _events];
                    }
                    Assert.True(DateTime.UtcNow < deadline,
                        $"{_events.Count} of {count} events after {timeout.TotalSeconds} s: {string.Join(", ", _events.Select(e => $"{e.ContainerId[..8]} {e.ContainerEventType}"))}");
                }
                await Task.Delay(50);
            }
        }

        public async ValueTask DisposeAsync()
        {
            // The reader ends on the cancellation before the call goes: a read of a disposed call throws.
            await _stop.CancelAsync();
            await _reading;
            _call.Dispose();
        }
    }
}
