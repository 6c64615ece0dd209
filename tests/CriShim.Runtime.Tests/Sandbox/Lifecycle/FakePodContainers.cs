using CriShim.Protocol.V1;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Tests.Sandbox.Lifecycle;

/// <summary>A pod's containers as the sandbox lifecycle sees them when there are none: Stop and Remove have nothing to do.</summary>
internal sealed class FakePodContainers : IPodContainers
{
    public Task StopAllAsync(string sandboxId, CancellationToken cancel) => Task.CompletedTask;

    public Task RemoveAllAsync(string sandboxId, CancellationToken cancel) => Task.CompletedTask;

    public IReadOnlyList<ContainerStats> StatsOf(string sandboxId) => [];

    public IReadOnlyList<string> CgroupsOf(string sandboxId) => [];

    public IReadOnlyList<ContainerStatus> StatusesOf(string sandboxId) => [];
}
