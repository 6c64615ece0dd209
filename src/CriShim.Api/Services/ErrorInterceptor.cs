using CriShim.Runtime.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CriShim.Api.Services;

/// <summary>
/// The one place where domain exceptions become gRPC statuses. Unexpected exceptions are logged
/// and answered with Internal; they never reach Kestrel, so one request cannot take the daemon down.
/// </summary>
internal sealed class ErrorInterceptor(ILogger<ErrorInterceptor> log) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e)
        {
            throw Translate(e, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e)
        {
            throw Translate(e, context);
        }
    }

    private RpcException Translate(Exception e, ServerCallContext context)
    {
        var status = e switch
        {
            RpcException { StatusCode: StatusCode.Unimplemented } r when r.Status.Detail.Length == 0 =>
                new Status(StatusCode.Unimplemented, $"{context.Method} is not implemented by crishim yet"),
            RpcException r => r.Status,
            _ when DiskFull.Caused(e) => new Status(StatusCode.ResourceExhausted, $"{context.Method}: the disk is full: {e.Message}"),
            NotFoundException => new Status(StatusCode.NotFound, e.Message),
            AlreadyExistsException => new Status(StatusCode.AlreadyExists, e.Message),
            InvalidArgumentException => new Status(StatusCode.InvalidArgument, e.Message),
            FailedPreconditionException => new Status(StatusCode.FailedPrecondition, e.Message),
            UnavailableException => new Status(StatusCode.Unavailable, e.Message),
            DataLossException => new Status(StatusCode.DataLoss, e.Message),
            DeadlineExceededException => new Status(StatusCode.DeadlineExceeded, e.Message),
            UnimplementedException => new Status(StatusCode.Unimplemented, e.Message),
            OperationCanceledException when context.CancellationToken.IsCancellationRequested =>
                new Status(StatusCode.Cancelled, "the client cancelled the call"),
            _ => new Status(StatusCode.Internal, $"{context.Method}: {e.Message}"),
        };
        if (status.StatusCode == StatusCode.Internal)
        {
            log.LogError(e, "{Method} failed unexpectedly", context.Method);
        }
        else
        {
            log.LogDebug("{Method} -> {Code}: {Detail}", context.Method, status.StatusCode, status.Detail);
        }
        return new RpcException(status);
    }
}
