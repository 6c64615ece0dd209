using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CriShim.Api.Metrics;

/// <summary>
/// Times every CRI call and counts its failures by gRPC code. It runs outside <see cref="Services.ErrorInterceptor"/>,
/// so it sees the status the client gets.
/// </summary>
internal sealed class RpcMetricsInterceptor(RuntimeMetrics metrics) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException e)
        {
            metrics.Failed(context.Method, e.StatusCode);
            throw;
        }
        finally
        {
            metrics.Observe(context.Method, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Streams (GetContainerEvents) last as long as the client listens: only their failures are counted.</summary>
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (RpcException e)
        {
            metrics.Failed(context.Method, e.StatusCode);
            throw;
        }
    }
}
