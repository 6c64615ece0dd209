using System.Globalization;
using System.Net.Sockets;
using System.Text;
using CriShim.Streaming.RemoteCommand;
using CriShim.Streaming.Spdy;

namespace CriShim.Streaming.Client;

/// <summary>
/// Dials a streaming URL and upgrades the HTTP/1.1 connection to SPDY/3.1 offering the given
/// subprotocols (as client-go's SPDY round tripper does: a POST with <c>Connection: Upgrade</c>).
/// </summary>
public static class SpdyClientHandshake
{
    private const int MaxResponseHeader = 16 * 1024;

    /// <summary>The started session and the subprotocol the server picked.</summary>
    public static async Task<(SpdySession Session, string Protocol)> ConnectAsync(Uri url, IReadOnlyList<string> protocols, CancellationToken cancel)
    {
        if (url.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"streaming URL {url} is not http://", nameof(url));
        }
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(url.Host, url.Port, cancel);
            var stream = tcp.GetStream();
            var request = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"POST {url.PathAndQuery} HTTP/1.1\r\n")
                .Append(CultureInfo.InvariantCulture, $"Host: {url.Authority}\r\n")
                .Append("Connection: Upgrade\r\n")
                .Append(CultureInfo.InvariantCulture, $"Upgrade: {StreamProtocols.SpdyUpgrade}\r\n")
                .Append("Content-Length: 0\r\n");
            foreach (var protocol in protocols)
            {
                request.Append(CultureInfo.InvariantCulture, $"{StreamProtocols.VersionHeader}: {protocol}\r\n");
            }
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), cancel);
            var (status, headers, body) = await ReadResponseAsync(stream, cancel);
            if (status != 101)
            {
                throw new HttpRequestException($"the streaming server answered HTTP {status}{(body.Length == 0 ? "" : ": " + body.Trim())}",
                    null, (System.Net.HttpStatusCode)status);
            }
            var chosen = headers.GetValueOrDefault(StreamProtocols.VersionHeader.ToLowerInvariant()) ?? "";
            if (chosen.Length > 0 && !protocols.Contains(chosen))
            {
                throw new IOException($"the server chose subprotocol '{chosen}', which was not offered");
            }
            var session = new SpdySession(stream, isServer: false);
            await session.StartAsync(cancel);
            return (session, chosen);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Reads the response head byte by byte so no SPDY byte after it is consumed here.</summary>
    private static async Task<(int Status, Dictionary<string, string> Headers, string Body)> ReadResponseAsync(Stream stream, CancellationToken cancel)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, cancel) == 0)
            {
                throw new IOException("the streaming server closed the connection before answering");
            }
            head.Add(one[0]);
            if (head.Count > MaxResponseHeader)
            {
                throw new IOException("the streaming server's response header is too large");
            }
        }
        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var statusParts = lines[0].Split(' ', 3);
        if (statusParts.Length < 2 || !int.TryParse(statusParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new IOException($"the streaming server answered '{lines[0]}'");
        }
        var headers = lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim().ToLowerInvariant())
            .ToDictionary(g => g.Key, g => g.First()[1].Trim());
        var body = "";
        if (status != 101 && headers.TryGetValue("content-length", out var lengthText)
            && int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length is > 0 and < 65536)
        {
            var bytes = new byte[length];
            await stream.ReadExactlyAsync(bytes, cancel);
            body = Encoding.UTF8.GetString(bytes);
        }
        return (status, headers, body);
    }
}
