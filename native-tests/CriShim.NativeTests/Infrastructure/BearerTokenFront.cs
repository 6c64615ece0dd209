using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Web;

namespace CriShim.NativeTests.Infrastructure;

/// <summary>A request the token endpoint received: method, query, form body and Authorization header.</summary>
public sealed record TokenRequest(string Method, NameValueCollection Query, NameValueCollection Form, string? Authorization);

/// <summary>
/// An OCI distribution token server and a gate in front of a real registry, on 127.0.0.1 (HttpListener).
/// A /v2/ request without an issued bearer token gets 401 and
/// <c>WWW-Authenticate: Bearer realm="http://127.0.0.1:port/token",service="test-registry",scope="repository:name:pull"</c>.
/// <c>GET /token</c> issues <c>{"token":...}</c>; <c>POST /token</c> with <c>grant_type=refresh_token</c> and the
/// configured identity token issues <c>{"access_token":...}</c> (the OAuth2 form of the token spec).
/// Authorized requests are forwarded to the registry and its answer streamed back. Tokens can be made to
/// expire after a number of requests, as short-lived tokens do during long pulls.
/// </summary>
public sealed partial class BearerTokenFront : IAsyncDisposable
{
    public const string Service = "test-registry";
    private readonly HttpListener _listener = new();
    private readonly HttpClient _backend;
    /// <summary>Issued tokens and how many more requests each may authorize.</summary>
    private readonly ConcurrentDictionary<string, int> _issued = new();
    private readonly ConcurrentQueue<TokenRequest> _tokenRequests = new();
    private readonly string? _registryToken;
    private readonly string? _identityToken;
    private readonly bool _refuseTokens;
    private readonly int _usesPerToken;
    private readonly Task _serving;
    private int _challenged;
    private int _forwarded;

    /// <param name="backendHost">The real registry, host:port, plain HTTP.</param>
    /// <param name="registryToken">A bearer token accepted as is, as a registry_token from the client.</param>
    /// <param name="identityToken">The refresh token the POST grant accepts.</param>
    /// <param name="refuseTokens">Answer every token request with 401.</param>
    /// <param name="usesPerToken">How many requests an issued token authorizes before it expires.</param>
    public BearerTokenFront(string backendHost, string? registryToken = null, string? identityToken = null, bool refuseTokens = false,
        int usesPerToken = int.MaxValue)
    {
        _usesPerToken = usesPerToken;
        _registryToken = registryToken;
        _identityToken = identityToken;
        _refuseTokens = refuseTokens;
        _backend = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = new Uri($"http://{backendHost}/"),
            Timeout = TimeSpan.FromMinutes(2),
        };
        Port = TestRegistry.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port { get; }
    public string Host => $"127.0.0.1:{Port}";
    public string Realm => $"http://{Host}/token";
    public IReadOnlyList<TokenRequest> TokenRequests => [.. _tokenRequests];

    /// <summary>How many /v2/ requests were refused for a missing or unknown token, and how many were forwarded.</summary>
    public int Challenged => _challenged;
    public int Forwarded => _forwarded;

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
        _backend.Dispose();
    }

    private async Task ServeAsync()
    {
        var handlers = new List<Task>();
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }
            handlers.RemoveAll(t => t.IsCompleted);
            handlers.Add(Task.Run(() => HandleAsync(context)));
        }
        await Task.WhenAll(handlers);
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var path = context.Request.Url!.AbsolutePath;
            if (path == "/token")
            {
                await AnswerTokenRequestAsync(context);
            }
            else if (path.StartsWith("/v2/", StringComparison.Ordinal) && !Authorized(context.Request))
            {
                Interlocked.Increment(ref _challenged);
                var name = RepositoryInPath().Match(path);
                var scope = name.Success ? $",scope=\"repository:{name.Groups[1].Value}:pull\"" : "";
                response.AddHeader("WWW-Authenticate", $"Bearer realm=\"{Realm}\",service=\"{Service}\"{scope}");
                await WriteJsonAsync(response, HttpStatusCode.Unauthorized, new { errors = new[] { new { code = "UNAUTHORIZED", message = "authentication required" } } });
            }
            else
            {
                Interlocked.Increment(ref _forwarded);
                await ForwardAsync(context);
            }
        }
        catch (Exception e) when (e is HttpListenerException or IOException or HttpRequestException or ObjectDisposedException)
        {
            // The client or the registry went away mid-answer; the test sees that on its side.
        }
        finally
        {
            response.Close();
        }
    }

    private bool Authorized(HttpListenerRequest request)
    {
        var header = request.Headers["Authorization"];
        if (header is null || !header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }
        var token = header["Bearer ".Length..];
        if (token == _registryToken)
        {
            return true;
        }
        while (_issued.TryGetValue(token, out var left) && left > 0)
        {
            if (_issued.TryUpdate(token, left - 1, left))
            {
                return true;
            }
        }
        return false;
    }

    private async Task AnswerTokenRequestAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var form = new NameValueCollection();
        if (request.HttpMethod == "POST")
        {
            using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
            form = HttpUtility.ParseQueryString(await reader.ReadToEndAsync());
        }
        _tokenRequests.Enqueue(new TokenRequest(request.HttpMethod, HttpUtility.ParseQueryString(request.Url!.Query), form, request.Headers["Authorization"]));
        if (_refuseTokens)
        {
            await WriteJsonAsync(context.Response, HttpStatusCode.Unauthorized, new { details = "token refused by the test" });
            return;
        }
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        if (request.HttpMethod == "POST")
        {
            if (form["grant_type"] != "refresh_token" || _identityToken is null || form["refresh_token"] != _identityToken)
            {
                await WriteJsonAsync(context.Response, HttpStatusCode.BadRequest, new { error = "invalid_grant" });
                return;
            }
            _issued[token] = _usesPerToken;
            await WriteJsonAsync(context.Response, HttpStatusCode.OK, new { access_token = token, expires_in = 300, scope = form["scope"] });
            return;
        }
        _issued[token] = _usesPerToken;
        await WriteJsonAsync(context.Response, HttpStatusCode.OK, new { token, expires_in = 300 });
    }

    private async Task ForwardAsync(HttpListenerContext context)
    {
        var incoming = context.Request;
        using var outgoing = new HttpRequestMessage(new HttpMethod(incoming.HttpMethod), incoming.Url!.PathAndQuery);
        foreach (var name in new[] { "Accept", "Range", "If-None-Match" })
        {
            if (incoming.Headers.GetValues(name) is { } values)
            {
                outgoing.Headers.TryAddWithoutValidation(name, values);
            }
        }
        if (incoming.HasEntityBody)
        {
            outgoing.Content = new StreamContent(incoming.InputStream);
            if (incoming.ContentType is { } type)
            {
                outgoing.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }
        using var answer = await _backend.SendAsync(outgoing, HttpCompletionOption.ResponseHeadersRead);
        var response = context.Response;
        response.StatusCode = (int)answer.StatusCode;
        foreach (var name in new[] { "Docker-Content-Digest", "Docker-Distribution-Api-Version", "Location", "ETag", "Range" })
        {
            if (answer.Headers.TryGetValues(name, out var values))
            {
                response.AddHeader(name, string.Join(',', values));
            }
        }
        if (answer.Content.Headers.ContentType is { } contentType)
        {
            response.ContentType = contentType.ToString();
        }
        if (answer.Content.Headers.ContentLength is { } length)
        {
            response.ContentLength64 = length;
        }
        else
        {
            response.SendChunked = true;
        }
        if (incoming.HttpMethod != "HEAD")
        {
            await using var body = await answer.Content.ReadAsStreamAsync();
            await body.CopyToAsync(response.OutputStream);
        }
    }

    private static async Task WriteJsonAsync(HttpListenerResponse response, HttpStatusCode status, object body)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        response.StatusCode = (int)status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
    }

    [GeneratedRegex("^/v2/(.+)/(?:manifests|blobs|tags)/")]
    private static partial Regex RepositoryInPath();
}
