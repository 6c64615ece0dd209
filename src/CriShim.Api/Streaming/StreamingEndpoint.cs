using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CriShim.Api.Streaming;

/// <summary>
/// The streaming server's own HTTP/1.1 listener (<c>--stream-address</c>). With port 0 the kernel
/// picks one; Kestrel writes the bound address back into the listen options, so the URLs handed out
/// after start carry the real port.
/// </summary>
internal sealed class StreamingEndpoint(IPEndPoint configured)
{
    private ListenOptions? _listen;

    public void Listen(KestrelServerOptions kestrel) =>
        kestrel.Listen(configured, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            _listen = listen;
        });

    /// <summary>The bound address (the configured one until Kestrel started).</summary>
    public IPEndPoint Address => _listen?.IPEndPoint ?? configured;

    /// <summary>Whether a request came in through this listener (and not the CRI socket or another port).</summary>
    public bool Serves(HttpContext context) =>
        context.Connection.LocalIpAddress is not null && context.Connection.LocalPort == Address.Port;

    /// <summary>The absolute URL of a streaming request: <c>http://host:port/{kind}/{token}</c>.</summary>
    public string Url(string kind, string token)
    {
        var address = Address;
        var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address.Address}]" : address.Address.ToString();
        return $"http://{host}:{address.Port}/{kind}/{token}";
    }
}
