using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text.Json;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Image;

/// <summary>
/// The OCI distribution API v2 over HTTPS (system trust store) or, for insecure endpoints, HTTPS
/// without verification falling back to plain HTTP. One instance per daemon; it owns the
/// connection pools. <see cref="Open"/> gives a session for one repository on one endpoint.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private readonly HttpClient _verified;
    private readonly HttpClient _unverified;
    private readonly Dictionary<string, string> _insecureSchemes = new(StringComparer.Ordinal);

    public RegistryClient()
    {
        _verified = new HttpClient(NewHandler(verify: true)) { Timeout = Timeout.InfiniteTimeSpan };
        _unverified = new HttpClient(NewHandler(verify: false)) { Timeout = Timeout.InfiniteTimeSpan };
        foreach (var client in new[] { _verified, _unverified })
        {
            client.DefaultRequestHeaders.UserAgent.ParseAdd($"crishim/{Daemon.RuntimeIdentity.RuntimeVersion}");
        }
    }

    public RegistrySession Open(RegistryEndpoint endpoint, RegistryCredentials credentials) =>
        new(this, endpoint, credentials.AppliesTo(endpoint) ? credentials : RegistryCredentials.Anonymous);

    public void Dispose()
    {
        _verified.Dispose();
        _unverified.Dispose();
    }

    internal HttpClient ClientFor(RegistryEndpoint endpoint) => endpoint.Insecure ? _unverified : _verified;

    /// <summary>The scheme to use for an endpoint: https, or for an insecure one whatever answered first.</summary>
    internal async Task<string> SchemeForAsync(RegistryEndpoint endpoint, CancellationToken cancel)
    {
        if (!endpoint.Insecure)
        {
            return "https";
        }
        lock (_insecureSchemes)
        {
            if (_insecureSchemes.TryGetValue(endpoint.Host, out var known))
            {
                return known;
            }
        }
        var scheme = "https";
        try
        {
            using var probe = new HttpRequestMessage(HttpMethod.Get, $"https://{endpoint.Host}/v2/");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var _ = await _unverified.SendAsync(probe, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or AuthenticationException or IOException
            or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            scheme = "http";
        }
        lock (_insecureSchemes)
        {
            _insecureSchemes[endpoint.Host] = scheme;
        }
        return scheme;
    }

    private static SocketsHttpHandler NewHandler(bool verify)
    {
        var handler = new SocketsHttpHandler
        {
            // As containerd's dialer; what comes after the connect is watched by the pull's PullDeadline.
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = true,
        };
        if (!verify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        return handler;
    }
}

/// <summary>A manifest as fetched: its bytes, media type and verified digest.</summary>
public sealed record FetchedManifest(byte[] Content, string MediaType, Digest Digest);

/// <summary>Talks to one repository on one endpoint, carrying the bearer token it earned across requests.</summary>
public sealed class RegistrySession(RegistryClient client, RegistryEndpoint endpoint, RegistryCredentials credentials)
{
    private const int MaxManifestBytes = 4 * 1024 * 1024;
    private const int MaxTokenBytes = 1024 * 1024;
    private const int MaxErrorBytes = 4096;
    private AuthenticationHeaderValue? _authorization =
        credentials.RegistryToken is { } token ? new AuthenticationHeaderValue("Bearer", token) : null;

    public RegistryEndpoint Endpoint => endpoint;

    public async Task<FetchedManifest> GetManifestAsync(string reference, Digest? expected, CancellationToken cancel)
    {
        using var response = await SendAsync($"manifests/{reference}", MediaTypes.ManifestAccept, cancel);
        await EnsureFoundAsync(response, $"manifest {endpoint.Repository}:{reference}", cancel);
        if (response.Content.Headers.ContentLength > MaxManifestBytes)
        {
            throw new InvalidArgumentException($"manifest {reference} from {endpoint.Host} is larger than {MaxManifestBytes} bytes");
        }
        var content = await ReadLimitedAsync(response, MaxManifestBytes, cancel);
        var digest = Digest.Of(content);
        if (expected is { } wanted && wanted != digest)
        {
            throw new DataLossException($"manifest {endpoint.Repository}@{wanted} from {endpoint.Host} has digest {digest}");
        }
        if (expected is null && response.Headers.TryGetValues("Docker-Content-Digest", out var values)
            && Digest.TryParse(values.FirstOrDefault(), out var announced) && announced != digest)
        {
            throw new DataLossException($"manifest {endpoint.Repository}:{reference} from {endpoint.Host} has digest {digest}, the registry announced {announced}");
        }
        var mediaType = ImageDocuments.MediaTypeOf(content, response.Content.Headers.ContentType?.MediaType);
        return new FetchedManifest(content, mediaType, digest);
    }

    /// <summary>The blob's body as it arrives; the caller verifies digest and size while reading.</summary>
    public async Task<HttpResponseMessage> OpenBlobAsync(Descriptor blob, CancellationToken cancel)
    {
        var response = await SendAsync($"blobs/{blob.Digest}", [], cancel);
        try
        {
            await EnsureFoundAsync(response, $"blob {blob.Digest}", cancel);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string path, IReadOnlyList<string> accept, CancellationToken cancel)
    {
        var scheme = await client.SchemeForAsync(endpoint, cancel);
        var uri = new Uri($"{scheme}://{endpoint.Host}/v2/{endpoint.Repository}/{path}");
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            foreach (var type in accept)
            {
                request.Headers.Accept.ParseAdd(type);
            }
            request.Headers.Authorization = _authorization;
            HttpResponseMessage response;
            try
            {
                response = await client.ClientFor(endpoint).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
            }
            catch (HttpRequestException e)
            {
                throw new UnavailableException($"registry {endpoint.Host} is unreachable: {e.Message}", e);
            }
            if (response.StatusCode != HttpStatusCode.Unauthorized || attempt > 0)
            {
                return response;
            }
            var challenge = AuthChallenge.Parse(response.Headers.WwwAuthenticate.FirstOrDefault()?.ToString());
            response.Dispose();
            _authorization = await AuthorizeAsync(challenge, cancel);
        }
    }

    private async Task<AuthenticationHeaderValue> AuthorizeAsync(AuthChallenge? challenge, CancellationToken cancel)
    {
        if (challenge is null)
        {
            throw Denied("answered 401 without a WWW-Authenticate challenge");
        }
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return credentials.HasPassword ? Basic() : throw Denied("asks for a user name and password and none were given");
        }
        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || challenge.Realm is null
            || !Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm))
        {
            throw Denied($"sent an authentication challenge crishim cannot answer: {challenge.Scheme}");
        }
        var scope = challenge.Scope ?? $"repository:{endpoint.Repository}:pull";
        using var request = TokenRequest(realm, challenge.Service, scope);
        using var response = await SendTokenRequestAsync(request, realm, cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw Denied($"token server {realm.Authority} answered {(int)response.StatusCode} for scope {scope} ({credentials})");
        }
        var body = await ReadBoundedAsync(response, MaxTokenBytes, cancel)
            ?? throw Denied($"token server {realm.Authority} sent an answer larger than {MaxTokenBytes} bytes");
        using var json = ParseToken(body, realm);
        var token = (json.RootElement.TryGetProperty("token", out var t) ? t.GetString() : null)
            ?? (json.RootElement.TryGetProperty("access_token", out var a) ? a.GetString() : null);
        return token is { Length: > 0 }
            ? new AuthenticationHeaderValue("Bearer", token)
            : throw Denied($"token server {realm.Authority} returned no token");
    }

    private async Task<HttpResponseMessage> SendTokenRequestAsync(HttpRequestMessage request, Uri realm, CancellationToken cancel)
    {
        try
        {
            return await client.ClientFor(endpoint).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new UnavailableException($"token server {realm.Authority} of {endpoint.Host} is unreachable: {e.Message}", e);
        }
    }

    private JsonDocument ParseToken(byte[] body, Uri realm)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw Denied($"token server {realm.Authority} answered with something that is not JSON");
        }
    }

    private HttpRequestMessage TokenRequest(Uri realm, string? service, string scope)
    {
        var query = new List<KeyValuePair<string, string>>();
        if (service is not null)
        {
            query.Add(new("service", service));
        }
        query.Add(new("scope", scope));
        if (credentials.IdentityToken is { } refresh)
        {
            // OAuth2 refresh-token grant, as Docker does with an identity token.
            query.AddRange([new("grant_type", "refresh_token"), new("refresh_token", refresh), new("client_id", "crishim")]);
            return new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(query) };
        }
        var separator = realm.Query.Length > 0 ? "&" : "?";
        var request = new HttpRequestMessage(HttpMethod.Get,
            realm + separator + string.Join('&', query.Select(kv => $"{kv.Key}={Uri.EscapeDataString(kv.Value)}")));
        if (credentials.HasPassword)
        {
            request.Headers.Authorization = Basic();
        }
        return request;
    }

    private AuthenticationHeaderValue Basic() =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}")));

    private FailedPreconditionException Denied(string why) =>
        new($"registry {endpoint.Host} refused access to {endpoint.Repository}: it {why}");

    private async Task EnsureFoundAsync(HttpResponseMessage response, string what, CancellationToken cancel)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var status = (int)response.StatusCode;
        var body = await ReadErrorAsync(response, cancel);
        throw response.StatusCode switch
        {
            HttpStatusCode.NotFound => new NotFoundException($"{what} not found on {endpoint.Host}{body}"),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => Denied($"answered {status} for {what} ({credentials}){body}"),
            >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout =>
                new UnavailableException($"registry {endpoint.Host} answered {status} for {what}{body}"),
            _ => new FailedPreconditionException($"registry {endpoint.Host} answered {status} for {what}{body}"),
        };
    }

    /// <summary>The start of an error body for the message; the rest is never read.</summary>
    private async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancel);
            var buffer = new byte[MaxErrorBytes];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancel)) > 0)
            {
                length += read;
            }
            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, length).Trim();
            return text.Length == 0 ? "" : ": " + (text.Length > 300 ? text[..300] : text);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return "";
        }
    }

    private async Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, int limit, CancellationToken cancel) =>
        await ReadBoundedAsync(response, limit, cancel)
            ?? throw new InvalidArgumentException($"a document from {endpoint.Host} is larger than {limit} bytes");

    private async Task<byte[]?> ReadBoundedAsync(HttpResponseMessage response, int limit, CancellationToken cancel)
    {
        try
        {
            return await BoundedBody.ReadAsync(response, limit, cancel);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new UnavailableException($"registry {endpoint.Host} broke off a transfer: {e.Message}", e);
        }
    }

    internal Task<byte[]> ReadSmallBlobAsync(HttpResponseMessage response, int limit, CancellationToken cancel) =>
        ReadLimitedAsync(response, limit, cancel);
}
