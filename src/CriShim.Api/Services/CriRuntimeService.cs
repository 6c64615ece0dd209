using CriShim.Api.Streaming;
using CriShim.Protocol.V1;
using CriShim.Runtime.Container;
using CriShim.Runtime.Container.Checkpoint;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Events;
using CriShim.Runtime.Metrics;
using CriShim.Runtime.Sandbox;
using Grpc.Core;

namespace CriShim.Api.Services;

/// <summary>
/// CRI <c>RuntimeService</c>. Each RPC validates, calls one domain method and returns its reply;
/// RPCs not overridden here answer UNIMPLEMENTED with their name (see <see cref="ErrorInterceptor"/>).
/// </summary>
internal sealed partial class CriRuntimeService(RuntimeStatusReporter status, SandboxService sandboxes, IContainerLifecycle containers,
    IContainerInspection inspection, IContainerExec execs, ContainerEventBroadcaster events, StreamingRequests streaming, ContainerCheckpointer checkpointer) : RuntimeService.RuntimeServiceBase
{
    public override async Task<CreateContainerResponse> CreateContainer(CreateContainerRequest request, ServerCallContext context) =>
        new() { ContainerId = await containers.CreateAsync(request.PodSandboxId, request.Config) };

    public override async Task<StartContainerResponse> StartContainer(StartContainerRequest request, ServerCallContext context)
    {
        await containers.StartAsync(request.ContainerId);
        return new StartContainerResponse();
    }

    public override async Task<StopContainerResponse> StopContainer(StopContainerRequest request, ServerCallContext context)
    {
        await containers.StopAsync(request.ContainerId, request.Timeout);
        return new StopContainerResponse();
    }

    public override async Task<RemoveContainerResponse> RemoveContainer(RemoveContainerRequest request, ServerCallContext context)
    {
        await containers.RemoveAsync(request.ContainerId);
        return new RemoveContainerResponse();
    }

    public override Task<ContainerStatusResponse> ContainerStatus(ContainerStatusRequest request, ServerCallContext context) =>
        Task.FromResult(inspection.Status(request.ContainerId, request.Verbose));

    public override Task<ListContainersResponse> ListContainers(ListContainersRequest request, ServerCallContext context) =>
        Task.FromResult(inspection.List(request.Filter));

    public override Task<ContainerStatsResponse> ContainerStats(ContainerStatsRequest request, ServerCallContext context) =>
        Task.FromResult(inspection.Stats(request.ContainerId));

    public override Task<ListContainerStatsResponse> ListContainerStats(ListContainerStatsRequest request, ServerCallContext context) =>
        Task.FromResult(inspection.ListStats(request.Filter));

    public override async Task<UpdateContainerResourcesResponse> UpdateContainerResources(UpdateContainerResourcesRequest request, ServerCallContext context)
    {
        await containers.UpdateResourcesAsync(request.ContainerId, request.Linux);
        return new UpdateContainerResourcesResponse();
    }

    public override async Task<UpdatePodSandboxResourcesResponse> UpdatePodSandboxResources(UpdatePodSandboxResourcesRequest request, ServerCallContext context)
    {
        await sandboxes.UpdateResourcesAsync(request.PodSandboxId, request.Overhead, request.Resources);
        return new UpdatePodSandboxResourcesResponse();
    }

    public override async Task<CheckpointContainerResponse> CheckpointContainer(CheckpointContainerRequest request, ServerCallContext context)
    {
        await containers.CheckpointAsync(checkpointer, request.ContainerId, request.Location, request.Timeout);
        return new CheckpointContainerResponse();
    }

    public override async Task<ReopenContainerLogResponse> ReopenContainerLog(ReopenContainerLogRequest request, ServerCallContext context)
    {
        await execs.ReopenLogAsync(request.ContainerId);
        return new ReopenContainerLogResponse();
    }

    public override async Task<ExecSyncResponse> ExecSync(ExecSyncRequest request, ServerCallContext context) =>
        await execs.ExecSyncAsync(request.ContainerId, request.Cmd, request.Timeout, context.CancellationToken);

    public override Task<ExecResponse> Exec(ExecRequest request, ServerCallContext context) =>
        Task.FromResult(streaming.Exec(request));

    public override Task<AttachResponse> Attach(AttachRequest request, ServerCallContext context) =>
        Task.FromResult(streaming.Attach(request));

    public override Task<PortForwardResponse> PortForward(PortForwardRequest request, ServerCallContext context) =>
        Task.FromResult(streaming.PortForward(request));

    public override async Task<RunPodSandboxResponse> RunPodSandbox(RunPodSandboxRequest request, ServerCallContext context) =>
        new() { PodSandboxId = await sandboxes.RunAsync(request.Config ?? throw new InvalidArgumentException("RunPodSandbox needs a config"), request.RuntimeHandler, context.CancellationToken) };

    public override async Task<StopPodSandboxResponse> StopPodSandbox(StopPodSandboxRequest request, ServerCallContext context)
    {
        await sandboxes.StopAsync(request.PodSandboxId, context.CancellationToken);
        return new StopPodSandboxResponse();
    }

    public override async Task<RemovePodSandboxResponse> RemovePodSandbox(RemovePodSandboxRequest request, ServerCallContext context)
    {
        await sandboxes.RemoveAsync(request.PodSandboxId, context.CancellationToken);
        return new RemovePodSandboxResponse();
    }

    public override Task<PodSandboxStatusResponse> PodSandboxStatus(PodSandboxStatusRequest request, ServerCallContext context) =>
        Task.FromResult(sandboxes.Status(request.PodSandboxId, request.Verbose));

    public override Task<ListPodSandboxResponse> ListPodSandbox(ListPodSandboxRequest request, ServerCallContext context) =>
        Task.FromResult(new ListPodSandboxResponse { Items = { sandboxes.List(request.Filter) } });

    public override Task<PodSandboxStatsResponse> PodSandboxStats(PodSandboxStatsRequest request, ServerCallContext context) =>
        Task.FromResult(sandboxes.Stats(request.PodSandboxId));

    public override Task<ListPodSandboxStatsResponse> ListPodSandboxStats(ListPodSandboxStatsRequest request, ServerCallContext context) =>
        Task.FromResult(sandboxes.ListStats(request.Filter));

    public override Task<ListMetricDescriptorsResponse> ListMetricDescriptors(ListMetricDescriptorsRequest request, ServerCallContext context) =>
        Task.FromResult(new ListMetricDescriptorsResponse { Descriptors = { CadvisorMetrics.Descriptors() } });

    public override Task<ListPodSandboxMetricsResponse> ListPodSandboxMetrics(ListPodSandboxMetricsRequest request, ServerCallContext context) =>
        Task.FromResult(sandboxes.Metrics());

    /// <summary>Every container and pod event from now until the client hangs up.</summary>
    public override async Task GetContainerEvents(GetEventsRequest request, IServerStreamWriter<ContainerEventResponse> responseStream, ServerCallContext context)
    {
        using var subscription = events.Subscribe();
        // Headers go out once the subscription exists: a client that awaits them misses nothing published afterwards.
        await context.WriteResponseHeadersAsync(new Metadata());
        try
        {
            await foreach (var containerEvent in subscription.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(containerEvent, context.CancellationToken);
            }
        }
        catch (Exception) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client left (mid-read or mid-write): the normal end of an event stream.
        }
    }

    public override Task<VersionResponse> Version(VersionRequest request, ServerCallContext context) =>
        Task.FromResult(status.Version());

    public override Task<StatusResponse> Status(StatusRequest request, ServerCallContext context) =>
        Task.FromResult(status.Status(request.Verbose));

    public override Task<RuntimeConfigResponse> RuntimeConfig(RuntimeConfigRequest request, ServerCallContext context) =>
        Task.FromResult(status.RuntimeConfig());

    public override Task<UpdateRuntimeConfigResponse> UpdateRuntimeConfig(UpdateRuntimeConfigRequest request, ServerCallContext context)
    {
        status.UpdateRuntimeConfig(request);
        return Task.FromResult(new UpdateRuntimeConfigResponse());
    }
}
