using System.Text.RegularExpressions;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Image;

/// <summary>
/// A normalized image reference, as kubelet, containerd and crictl spell it: <c>busybox</c> is
/// <c>docker.io/library/busybox:latest</c>. A reference with both tag and digest keeps only the
/// digest (containerd does the same), so every reference names either a tag or a digest.
/// </summary>
public sealed partial record ImageReference
{
    public const string DockerHub = "docker.io";
    public const string DefaultTag = "latest";
    private const int MaxNameLength = 255;

    private ImageReference(string domain, string path, string? tag, Digest? digest)
    {
        Domain = domain;
        Path = path;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>Registry host with optional port, e.g. <c>docker.io</c> or <c>127.0.0.1:5000</c>.</summary>
    public string Domain { get; }

    /// <summary>Repository path inside the registry, e.g. <c>library/busybox</c>.</summary>
    public string Path { get; }

    public string? Tag { get; }
    public Digest? Digest { get; }

    /// <summary><c>domain/path</c>: what a tag or digest is appended to.</summary>
    public string Name => $"{Domain}/{Path}";

    public override string ToString() => Digest is { } d ? $"{Name}@{d}" : $"{Name}:{Tag}";

    public ImageReference WithDigest(Digest digest) => new(Domain, Path, null, digest);

    public ImageReference WithTag(string tag) => new(Domain, Path, tag, null);

    public static ImageReference Parse(string text) =>
        TryParse(text, out var reference, out var problem)
            ? reference
            : throw new InvalidArgumentException($"invalid image reference '{text}': {problem}");

    public static bool TryParse(string text, out ImageReference reference, out string problem)
    {
        reference = null!;
        problem = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "it is empty";
            return false;
        }
        var rest = text;
        Digest? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            if (!Image.Digest.TryParse(rest[(at + 1)..], out var d))
            {
                problem = "the digest must be sha256: followed by 64 lowercase hex digits";
                return false;
            }
            digest = d;
            rest = rest[..at];
        }
        string? tag = null;
        var colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagSyntax().IsMatch(tag))
            {
                problem = $"tag '{tag}' must be 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'";
                return false;
            }
        }
        if (digest is null && Image.Digest.IsHex(rest))
        {
            problem = "a 64-digit hex string is an image ID, not a repository name";
            return false;
        }
        var (domain, path) = SplitDomain(rest);
        if (!DomainSyntax().IsMatch(domain))
        {
            problem = $"registry '{domain}' is not a host name with an optional port";
            return false;
        }
        if (!PathSyntax().IsMatch(path))
        {
            problem = $"repository '{path}' must be lowercase components of letters, digits and single separators ('.', '_', '__', '-'), joined by '/'";
            return false;
        }
        if (domain.Length + 1 + path.Length > MaxNameLength)
        {
            problem = $"the name is longer than {MaxNameLength} characters";
            return false;
        }
        reference = digest is { } dg ? new ImageReference(domain, path, null, dg) : new ImageReference(domain, path, tag ?? DefaultTag, null);
        return true;
    }

    private static (string Domain, string Path) SplitDomain(string name)
    {
        var slash = name.IndexOf('/');
        string domain, path;
        if (slash < 0 || !LooksLikeDomain(name[..slash]))
        {
            (domain, path) = (DockerHub, name);
        }
        else
        {
            (domain, path) = (name[..slash], name[(slash + 1)..]);
        }
        if (domain == "index.docker.io")
        {
            domain = DockerHub;
        }
        if (domain == DockerHub && !path.Contains('/'))
        {
            path = "library/" + path;
        }
        return (domain, path);
    }

    // docker/distribution's rule: the first component is a registry if it has a dot, a port, is localhost or has uppercase.
    private static bool LooksLikeDomain(string component) =>
        component.Contains('.') || component.Contains(':') || component == "localhost" || component.Any(char.IsUpper);

    [GeneratedRegex(@"^[\w][\w.-]{0,127}$")]
    private static partial Regex TagSyntax();

    [GeneratedRegex(@"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$")]
    private static partial Regex DomainSyntax();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex PathSyntax();
}
