using CriShim.Protocol.V1;
using CriShim.Runtime.Daemon;
using Grpc.Core;

namespace CriShim.Api.Services;

/// <summary>
/// CRI <c>RuntimeService</c>. Each RPC validates, calls one domain method and returns its reply;
/// RPCs not overridden here answer UNIMPLEMENTED with their name (see <see cref="ErrorInterceptor"/>).
/// </summary>
internal sealed class CriRuntimeService(RuntimeStatusReporter status) : RuntimeService.RuntimeServiceBase
{
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
