namespace CriShim.Api.Http2;

/// <summary>The static table of RFC 7541 Appendix A; HPACK indices 1 to 61.</summary>
internal static class HpackStaticTable
{
    private static readonly HeaderField[] Entries =
    [
        new(":authority", ""),
        new(":method", "GET"),
        new(":method", "POST"),
        new(":path", "/"),
        new(":path", "/index.html"),
        new(":scheme", "http"),
        new(":scheme", "https"),
        new(":status", "200"),
        new(":status", "204"),
        new(":status", "206"),
        new(":status", "304"),
        new(":status", "400"),
        new(":status", "404"),
        new(":status", "500"),
        new("accept-charset", ""),
        new("accept-encoding", "gzip, deflate"),
        new("accept-language", ""),
        new("accept-ranges", ""),
        new("accept", ""),
        new("access-control-allow-origin", ""),
        new("age", ""),
        new("allow", ""),
        new("authorization", ""),
        new("cache-control", ""),
        new("content-disposition", ""),
        new("content-encoding", ""),
        new("content-language", ""),
        new("content-length", ""),
        new("content-location", ""),
        new("content-range", ""),
        new("content-type", ""),
        new("cookie", ""),
        new("date", ""),
        new("etag", ""),
        new("expect", ""),
        new("expires", ""),
        new("from", ""),
        new("host", ""),
        new("if-match", ""),
        new("if-modified-since", ""),
        new("if-none-match", ""),
        new("if-range", ""),
        new("if-unmodified-since", ""),
        new("last-modified", ""),
        new("link", ""),
        new("location", ""),
        new("max-forwards", ""),
        new("proxy-authenticate", ""),
        new("proxy-authorization", ""),
        new("range", ""),
        new("referer", ""),
        new("refresh", ""),
        new("retry-after", ""),
        new("server", ""),
        new("set-cookie", ""),
        new("strict-transport-security", ""),
        new("transfer-encoding", ""),
        new("user-agent", ""),
        new("vary", ""),
        new("via", ""),
        new("www-authenticate", ""),
    ];

    // First index per name: an encoder that references a name wants the lowest one.
    private static readonly Dictionary<string, int> IndexByName = BuildIndexByName();

    public static int Count => Entries.Length;

    /// <summary>The entry at a 1-based HPACK index between 1 and <see cref="Count"/>.</summary>
    public static HeaderField Get(int index) => Entries[index - 1];

    /// <summary>The lowest index whose entry has this name, or 0 when none has.</summary>
    public static int IndexOfName(string name) => IndexByName.GetValueOrDefault(name);

    private static Dictionary<string, int> BuildIndexByName()
    {
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Entries.Length; i++)
        {
            byName.TryAdd(Entries[i].Name, i + 1);
        }

        return byName;
    }
}
