using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.Api.Services;

/// <summary>The streamed twins of the list RPCs (see <see cref="ListBatches"/>): the same filters, the same items.</summary>
internal sealed partial class CriRuntimeService
{
    public override Task StreamPodSandboxes(StreamPodSandboxesRequest request, IServerStreamWriter<StreamPodSandboxesResponse> responseStream, ServerCallContext context) =>
        ListBatches.SendAsync(sandboxes.List(request.Filter), batch => new StreamPodSandboxesResponse { PodSandboxes = { batch } }, responseStream, context.CancellationToken);

    public override Task StreamContainers(StreamContainersRequest request, IServerStreamWriter<StreamContainersResponse> responseStream, ServerCallContext context) =>
        ListBatches.SendAsync(inspection.List(request.Filter).Containers, batch => new StreamContainersResponse { Containers = { batch } }, responseStream, context.CancellationToken);

    public override Task StreamContainerStats(StreamContainerStatsRequest request, IServerStreamWriter<StreamContainerStatsResponse> responseStream, ServerCallContext context) =>
        ListBatches.SendAsync(inspection.ListStats(request.Filter).Stats, batch => new StreamContainerStatsResponse { ContainerStats = { batch } }, responseStream, context.CancellationToken);

    public override Task StreamPodSandboxStats(StreamPodSandboxStatsRequest request, IServerStreamWriter<StreamPodSandboxStatsResponse> responseStream, ServerCallContext context) =>
        ListBatches.SendAsync(sandboxes.ListStats(request.Filter).Stats, batch => new StreamPodSandboxStatsResponse { PodSandboxStats = { batch } }, responseStream, context.CancellationToken);

    public override Task StreamPodSandboxMetrics(StreamPodSandboxMetricsRequest request, IServerStreamWriter<StreamPodSandboxMetricsResponse> responseStream, ServerCallContext context) =>
        ListBatches.SendAsync(sandboxes.Metrics().PodMetrics, batch => new StreamPodSandboxMetricsResponse { PodSandboxMetrics = { batch } }, responseStream, context.CancellationToken);
}
