using CriShim.Streaming.RemoteCommand;

namespace CriShim.Api.Streaming;

/// <summary>
/// <c>/exec/{token}</c>, <c>/attach/{token}</c> and <c>/portforward/{token}</c>, answered only on the
/// streaming listener. A token is used up by the first request that shows it, whatever happens next;
/// unknown, used or expired ones get 404. SPDY upgrades and WebSockets share the exec and attach URLs.
/// </summary>
internal static class StreamingRoutes
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/exec/{token}", ["GET", "POST"], (HttpContext c, string token) => RemoteCommandAsync<ExecStreamRequest>(c, token));
        routes.MapMethods("/attach/{token}", ["GET", "POST"], (HttpContext c, string token) => RemoteCommandAsync<AttachStreamRequest>(c, token));
        routes.MapMethods("/portforward/{token}", ["GET", "POST"], PortForwardAsync);
    }

    private static async Task RemoteCommandAsync<T>(HttpContext context, string token) where T : StreamRequest
    {
        if (Take<T>(context, token) is not { } request)
        {
            return;
        }
        var services = context.RequestServices;
        if (context.WebSockets.IsWebSocketRequest)
        {
            await services.GetRequiredService<WebSocketRemoteCommandHandler>().HandleAsync(context, request);
        }
        else if (SpdyUpgrade.IsRequested(context))
        {
            await services.GetRequiredService<SpdyRemoteCommandHandler>().HandleAsync(context, request);
        }
        else
        {
            await RefuseAsync(context, $"exec and attach need a WebSocket or an '{StreamProtocols.SpdyUpgrade}' upgrade");
        }
    }

    private static async Task PortForwardAsync(HttpContext context, string token)
    {
        if (Take<PortForwardStreamRequest>(context, token) is not { } request)
        {
            return;
        }
        if (!SpdyUpgrade.IsRequested(context))
        {
            await RefuseAsync(context, $"port forwarding needs an '{StreamProtocols.SpdyUpgrade}' upgrade");
            return;
        }
        await context.RequestServices.GetRequiredService<SpdyPortForwardHandler>().HandleAsync(context, request);
    }

    private static T? Take<T>(HttpContext context, string token) where T : StreamRequest
    {
        if (context.RequestServices.GetRequiredService<StreamingEndpoint>().Serves(context)
            && context.RequestServices.GetRequiredService<StreamTokens>().TryTake<T>(token, out var request))
        {
            return request;
        }
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return null;
    }

    private static Task RefuseAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return context.Response.WriteAsync(message + "\n");
    }
}
