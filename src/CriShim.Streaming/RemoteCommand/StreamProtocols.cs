namespace CriShim.Streaming.RemoteCommand;

/// <summary>
/// The subprotocol names of the Kubernetes streaming protocols and their negotiation: the client
/// lists what it speaks, most preferred first (SPDY: <c>X-Stream-Protocol-Version</c> headers;
/// WebSocket: <c>Sec-WebSocket-Protocol</c>), the server picks the first one it knows.
/// </summary>
public static class StreamProtocols
{
    public const string VersionHeader = "X-Stream-Protocol-Version";
    public const string AcceptedVersionsHeader = "X-Accepted-Stream-Protocol-Versions";

    /// <summary>The SPDY upgrade token (<c>Upgrade: SPDY/3.1</c>).</summary>
    public const string SpdyUpgrade = "SPDY/3.1";

    /// <summary>WebSocket only: v4 plus a close signal (255, channel) for half-closing stdin.</summary>
    public const string V5 = "v5.channel.k8s.io";

    /// <summary>The error stream carries a JSON <c>Status</c> whose details hold the exit code.</summary>
    public const string V4 = "v4.channel.k8s.io";

    public const string V4Base64 = "v4.base64.channel.k8s.io";

    /// <summary>Adds the resize stream.</summary>
    public const string V3 = "v3.channel.k8s.io";

    /// <summary>stdin may be closed independently; errors as text.</summary>
    public const string V2 = "v2.channel.k8s.io";

    public const string V1 = "channel.k8s.io";

    public const string Base64 = "base64.channel.k8s.io";

    public const string PortForward = "portforward.k8s.io";

    public static IReadOnlyList<string> SpdyRemoteCommand { get; } = [V4, V3, V2, V1];

    public static IReadOnlyList<string> WebSocketRemoteCommand { get; } = [V5, V4, V4Base64, Base64, V1];

    public static IReadOnlyList<string> SpdyPortForward { get; } = [PortForward];

    /// <summary>
    /// The first of the client's protocols the server supports; header values may list several
    /// separated by commas. Null when nothing matches.
    /// </summary>
    public static string? Negotiate(IEnumerable<string?> clientProtocols, IReadOnlyList<string> serverProtocols) =>
        clientProtocols
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(serverProtocols.Contains);

    /// <summary>Whether the error stream carries a JSON Status (v4 and later) rather than plain text.</summary>
    public static bool HasStatusErrors(string protocol) => protocol is V5 or V4 or V4Base64;

    /// <summary>Whether a SPDY remote command has the resize stream (v3 and later); every WebSocket protocol has channel 4.</summary>
    public static bool SpdyHasResize(string protocol) => protocol is V4 or V3;
}
