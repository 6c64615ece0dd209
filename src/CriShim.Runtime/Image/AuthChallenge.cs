using System.Text;

namespace CriShim.Runtime.Image;

/// <summary>A parsed <c>WWW-Authenticate</c> challenge: <c>Bearer realm="...",service="...",scope="..."</c> or <c>Basic realm="..."</c>.</summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? Realm => Parameters.GetValueOrDefault("realm");
    public string? Service => Parameters.GetValueOrDefault("service");
    public string? Scope => Parameters.GetValueOrDefault("scope");

    public static AuthChallenge? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }
        header = header.Trim();
        var space = header.IndexOf(' ');
        var scheme = space < 0 ? header : header[..space];
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = space < 0 ? header.Length : space + 1;
        while (i < header.Length)
        {
            while (i < header.Length && (header[i] == ' ' || header[i] == ','))
            {
                i++;
            }
            var equals = header.IndexOf('=', i);
            if (equals < 0)
            {
                break;
            }
            var key = header[i..equals].Trim();
            i = equals + 1;
            var value = new StringBuilder();
            if (i < header.Length && header[i] == '"')
            {
                for (i++; i < header.Length && header[i] != '"'; i++)
                {
                    if (header[i] == '\\' && i + 1 < header.Length)
                    {
                        i++;
                    }
                    value.Append(header[i]);
                }
                i++;
            }
            else
            {
                for (; i < header.Length && header[i] != ','; i++)
                {
                    value.Append(header[i]);
                }
            }
            parameters[key] = value.ToString().Trim();
        }
        return new AuthChallenge(scheme, parameters);
    }
}
