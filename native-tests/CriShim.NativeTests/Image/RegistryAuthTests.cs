using System.Text;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Image;

/// <summary>
/// PullImage against registries that demand authentication: HTTP basic auth on the real docker-registry
/// (htpasswd), and the distribution token flow (anonymous, identity token, registry token) through
/// <see cref="BearerTokenFront"/>, with credentials given as kubelet does, in <c>PullImageRequest.auth</c>.
/// </summary>
[Collection("registry-auth")]
public sealed class RegistryAuthTests(RegistryAuthFixture fixture)
{
    private static string Ref(string host) => $"{host}/{RegistryAuthFixture.Repository}:1";

    private static async Task<string> Pull(DaemonProcess daemon, string image, AuthConfig? auth = null) =>
        (await daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image }, Auth = auth })).ImageRef;

    private static AuthConfig Password(string password) => new() { Username = RegistryAuthFixture.User.UserName, Password = password };

    private static async Task AssertNothingStored(DaemonProcess daemon)
    {
        Assert.Empty((await daemon.Images.ListImagesAsync(new ListImagesRequest())).Images);
        foreach (var directory in new[] { "layers", "blobs/sha256" })
        {
            var path = Path.Combine(daemon.Root, directory);
            Assert.True(!Directory.Exists(path) || Directory.GetFileSystemEntries(path).Length == 0, $"{path} is not empty");
        }
    }

    [RootFact]
    public async Task Basic_auth_pull_with_username_and_password_succeeds()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var logBefore = fixture.BasicAuthRegistry.Log.Length;

        var id = await Pull(daemon, Ref(fixture.BasicAuthRegistry.Host), Password(RegistryAuthFixture.User.Password));

        Assert.Equal(fixture.Busybox.Id, id);
        Assert.DoesNotContain(RegistryAuthFixture.User.Password, daemon.Log);
        // Over HTTPS (the scheme probe found TLS): one challenge, then the credentials ride along on the manifest and every blob.
        var access = fixture.BasicAuthRegistry.Log[logBefore..].Split('\n')
            .Where(l => l.StartsWith("127.0.0.1 - - ") && l.Contains($"/v2/{RegistryAuthFixture.Repository}/") && l.Contains("\"crishim/")).ToList();
        Assert.Single(access, l => l.Contains("\" 401 "));
        Assert.Equal(1 + fixture.Busybox.Layers.Count + 1, access.Count(l => l.Contains("\" 200 ")));
    }

    [RootFact]
    public async Task Basic_auth_pull_with_the_base64_auth_field_succeeds()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RegistryAuthFixture.User.UserName}:{RegistryAuthFixture.User.Password}"));

        var id = await Pull(daemon, Ref(fixture.BasicAuthRegistry.Host), new AuthConfig { Auth = encoded });

        Assert.Equal(fixture.Busybox.Id, id);
    }

    [RootFact]
    public async Task Basic_auth_pull_without_credentials_fails_with_failed_precondition_and_stores_nothing()
    {
        await using var daemon = await DaemonProcess.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => Pull(daemon, Ref(fixture.BasicAuthRegistry.Host)));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("user name and password", error.Status.Detail);
        Assert.Contains(fixture.BasicAuthRegistry.Host, error.Status.Detail);
        await AssertNothingStored(daemon);
    }

    [RootFact]
    public async Task Basic_auth_pull_with_a_wrong_password_fails_without_echoing_it_and_stores_nothing()
    {
        await using var daemon = await DaemonProcess.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => Pull(daemon, Ref(fixture.BasicAuthRegistry.Host), Password("wrong-password")));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("401", error.Status.Detail);
        Assert.Contains($"user {RegistryAuthFixture.User.UserName}", error.Status.Detail);
        Assert.DoesNotContain("wrong-password", error.Status.Detail);
        Assert.DoesNotContain("wrong-password", daemon.Log);
        await AssertNothingStored(daemon);
    }

    [RootFact]
    public async Task Credentials_for_another_server_address_are_not_sent()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var auth = Password(RegistryAuthFixture.User.Password);
        auth.ServerAddress = "other.example:5000";

        var error = await Assert.ThrowsAsync<RpcException>(() => Pull(daemon, Ref(fixture.BasicAuthRegistry.Host), auth));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("user name and password", error.Status.Detail);
        auth.ServerAddress = $"https://{fixture.BasicAuthRegistry.Host}";
        Assert.Equal(fixture.Busybox.Id, await Pull(daemon, Ref(fixture.BasicAuthRegistry.Host), auth));
    }

    [RootFact]
    public async Task A_malformed_auth_field_is_invalid_argument()
    {
        await using var daemon = await DaemonProcess.StartAsync();

        foreach (var encoded in new[] { "not base64!", Convert.ToBase64String("no-colon"u8.ToArray()) })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => Pull(daemon, Ref(fixture.BasicAuthRegistry.Host), new AuthConfig { Auth = encoded }));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains("auth.auth", error.Status.Detail);
        }
        await AssertNothingStored(daemon);
    }

    [RootFact]
    public async Task Anonymous_bearer_pull_asks_the_realm_for_a_token_with_service_and_scope_once()
    {
        await using var front = new BearerTokenFront(fixture.OpenRegistry.Host);
        await using var daemon = await DaemonProcess.StartAsync();

        var id = await Pull(daemon, Ref(front.Host));

        Assert.Equal(fixture.Busybox.Id, id);
        var token = Assert.Single(front.TokenRequests);
        Assert.Equal("GET", token.Method);
        Assert.Equal(BearerTokenFront.Service, token.Query["service"]);
        Assert.Equal($"repository:{RegistryAuthFixture.Repository}:pull", token.Query["scope"]);
        Assert.Null(token.Authorization);
        Assert.Equal(1, front.Challenged);
        Assert.True(front.Forwarded >= 3, $"manifest, config and layer should pass the gate; {front.Forwarded} did");
    }

    [RootFact]
    public async Task Bearer_pull_with_username_and_password_sends_them_to_the_token_realm()
    {
        await using var front = new BearerTokenFront(fixture.OpenRegistry.Host);
        await using var daemon = await DaemonProcess.StartAsync();

        Assert.Equal(fixture.Busybox.Id, await Pull(daemon, Ref(front.Host), Password(RegistryAuthFixture.User.Password)));

        var token = Assert.Single(front.TokenRequests);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RegistryAuthFixture.User.UserName}:{RegistryAuthFixture.User.Password}"));
        Assert.Equal($"Basic {basic}", token.Authorization);
        Assert.Equal($"repository:{RegistryAuthFixture.Repository}:pull", token.Query["scope"]);
        Assert.Equal(1, front.Challenged); // after the first challenge every registry request carried the issued bearer token
    }

    [RootFact]
    public async Task An_expired_token_is_renewed_in_the_middle_of_a_pull()
    {
        await using var front = new BearerTokenFront(fixture.OpenRegistry.Host, usesPerToken: 1);
        await using var daemon = await DaemonProcess.StartAsync();

        var id = await Pull(daemon, Ref(front.Host));

        Assert.Equal(fixture.Busybox.Id, id);
        Assert.True(front.Forwarded >= 3, $"manifest, config and layer should pass the gate; {front.Forwarded} did");
        Assert.Equal(front.Forwarded, front.TokenRequests.Count);
        Assert.Equal(front.Forwarded, front.Challenged);
    }

    [RootFact]
    public async Task A_registry_token_is_sent_as_the_bearer_without_asking_the_realm()
    {
        await using var front = new BearerTokenFront(fixture.OpenRegistry.Host, registryToken: "given-by-kubelet");
        await using var daemon = await DaemonProcess.StartAsync();

        var id = await Pull(daemon, Ref(front.Host), new AuthConfig { RegistryToken = "given-by-kubelet" });

        Assert.Equal(fixture.Busybox.Id, id);
        Assert.Empty(front.TokenRequests);
        Assert.Equal(0, front.Challenged);
        Assert.DoesNotContain("given-by-kubelet", daemon.Log);
    }

    [RootFact]
    public async Task An_identity_token_is_exchanged_with_a_refresh_token_grant()
    {
        await using var front = new BearerTokenFront(fixture.OpenRegistry.Host, identityToken: "refresh-me");
        await using var daemon = await DaemonProcess.StartAsync();

        var id = await Pull(daemon, Ref(front.Host), new AuthConfig { IdentityToken = "refresh-me" });

        Assert.Equal(fixture.Busybox.Id, id);
        var token = Assert.Single(front.TokenRequests);
        Assert.Equal("POST", token.Method);
        Assert.Equal("refresh_token", token.Form["grant_type"]);
        Assert.Equal("refresh-me", token.Form["refresh_token"]);
        Assert.Equal(BearerTokenFront.Service, token.Form["service"]);
        Assert.Equal($"repository:{RegistryAuthFixture.Repository}:pull", token.Form["scope"]);
        Assert.False(string.IsNullOrEmpty(token.Form["client_id"]), "the OAuth2 token spec requires client_id");
        Assert.DoesNotContain("refresh-me", daemon.Log);
    }

    [RootFact]
    public async Task A_token_endpoint_that_refuses_gives_failed_precondition_and_stores_nothing()
    {
        await using var front = new BearerTokenFront(fixture.OpenRegistry.Host, refuseTokens: true);
        await using var daemon = await DaemonProcess.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => Pull(daemon, Ref(front.Host)));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains($"token server {front.Host} answered 401", error.Status.Detail);
        Assert.Contains($"repository:{RegistryAuthFixture.Repository}:pull", error.Status.Detail);
        Assert.Single(front.TokenRequests);
        Assert.Equal(0, front.Forwarded);
        await AssertNothingStored(daemon);
    }
}
