namespace CriShim.Runtime.Image;

/// <summary>
/// One place to fetch a repository from: a host (with optional port), the repository path there,
/// and whether plain HTTP / unverified TLS is allowed.
/// </summary>
public sealed record RegistryEndpoint(string Host, string Repository, bool Insecure, bool IsMirror)
{
    /// <summary>Builds an endpoint from a registries.conf location such as <c>mirror.example:5000/dockerhub</c> plus the rest of the name.</summary>
    public static RegistryEndpoint FromLocation(string location, string remainder, bool insecure, bool isMirror)
    {
        var full = location + remainder;
        var slash = full.IndexOf('/');
        var host = slash < 0 ? full : full[..slash];
        var repository = slash < 0 ? "" : full[(slash + 1)..].Trim('/');
        if (host == ImageReference.DockerHub)
        {
            host = "registry-1.docker.io";
        }
        return new RegistryEndpoint(host, repository, insecure || IsLoopback(host), isMirror);
    }

    public override string ToString() => $"{Host}/{Repository}{(Insecure ? " (insecure)" : "")}";

    // As Docker does, registries on the loopback network are trusted over plain HTTP.
    private static bool IsLoopback(string host)
    {
        var name = host.StartsWith('[') ? host[1..host.IndexOf(']')] : host.Split(':')[0];
        return name == "localhost" || (System.Net.IPAddress.TryParse(name, out var ip) && System.Net.IPAddress.IsLoopback(ip));
    }
}
