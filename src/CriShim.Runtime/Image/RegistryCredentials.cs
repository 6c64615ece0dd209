using System.Text;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Image;

/// <summary>Credentials from <c>PullImageRequest.auth</c>: user and password, an identity (refresh) token or a registry (bearer) token.</summary>
public sealed record RegistryCredentials(string? Username, string? Password, string? IdentityToken, string? RegistryToken, string? ServerAddress)
{
    public static RegistryCredentials Anonymous { get; } = new(null, null, null, null, null);

    public bool HasPassword => !string.IsNullOrEmpty(Username) && Password is not null;

    public static RegistryCredentials From(AuthConfig? auth)
    {
        if (auth is null)
        {
            return Anonymous;
        }
        string? username = Empty(auth.Username), password = Empty(auth.Password);
        if (Empty(auth.Auth) is { } encoded)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            }
            catch (FormatException)
            {
                throw new InvalidArgumentException("auth.auth must be base64 of 'user:password'");
            }
            var colon = decoded.IndexOf(':');
            if (colon < 0)
            {
                throw new InvalidArgumentException("auth.auth must be base64 of 'user:password'");
            }
            (username, password) = (decoded[..colon], decoded[(colon + 1)..]);
        }
        return new RegistryCredentials(username, password, Empty(auth.IdentityToken), Empty(auth.RegistryToken), Empty(auth.ServerAddress));
    }

    /// <summary>Whether these credentials may be sent to <paramref name="endpoint"/>: the image's own registry, or the host they name.</summary>
    public bool AppliesTo(RegistryEndpoint endpoint)
    {
        if (ServerAddress is null)
        {
            return !endpoint.IsMirror;
        }
        var host = ServerAddress.Contains("://", StringComparison.Ordinal) ? new Uri(ServerAddress).Authority : ServerAddress.Split('/')[0];
        return host == endpoint.Host || (!endpoint.IsMirror && host is "docker.io" or "index.docker.io" && endpoint.Host == "registry-1.docker.io");
    }

    public override string ToString() => Username is null ? "anonymous" : $"user {Username}";

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
