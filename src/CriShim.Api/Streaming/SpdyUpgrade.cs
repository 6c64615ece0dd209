using CriShim.Streaming.RemoteCommand;
using CriShim.Streaming.Spdy;
using Microsoft.AspNetCore.Http.Features;

namespace CriShim.Api.Streaming;

/// <summary>
/// The server side of the SPDY/3.1 upgrade through Kestrel's HTTP/1.1 upgrade: negotiates the
/// subprotocol from <c>X-Stream-Protocol-Version</c> (403 and the accepted list when none fits, as
/// kubelet answers), switches protocols and starts a server session on the raw connection.
/// </summary>
internal static class SpdyUpgrade
{
    public static bool IsRequested(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
        && string.Equals(context.Request.Headers.Upgrade.ToString(), StreamProtocols.SpdyUpgrade, StringComparison.OrdinalIgnoreCase);

    /// <summary>The session and its protocol ("" when the client offered none), or null after an error answer.</summary>
    public static async Task<(SpdySession Session, string Protocol)?> AcceptAsync(HttpContext context, IReadOnlyList<string> supported)
    {
        var offered = context.Request.Headers[StreamProtocols.VersionHeader];
        var protocol = "";
        if (offered.Count > 0)
        {
            protocol = StreamProtocols.Negotiate(offered, supported) ?? "";
            if (protocol.Length == 0)
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.Headers[StreamProtocols.AcceptedVersionsHeader] = string.Join(", ", supported);
                await context.Response.WriteAsync($"unable to upgrade: unable to negotiate protocol: client supports [{string.Join(' ', offered.ToArray())}], server accepts [{string.Join(' ', supported)}]\n");
                return null;
            }
            context.Response.Headers[StreamProtocols.VersionHeader] = protocol;
        }
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = StreamProtocols.SpdyUpgrade;
        var transport = await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();
        var session = new SpdySession(transport, isServer: true);
        await session.StartAsync(context.RequestAborted);
        return (session, protocol);
    }
}
