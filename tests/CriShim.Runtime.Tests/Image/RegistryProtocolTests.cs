using System.Text;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Image;

namespace CriShim.Runtime.Tests.Image;

/// <summary>The small pieces of the distribution protocol: challenges, credentials, chain IDs, verification.</summary>
public sealed class RegistryProtocolTests
{
    [Fact]
    public void Parses_a_bearer_challenge()
    {
        var challenge = AuthChallenge.Parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"")!;

        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal("https://auth.docker.io/token", challenge.Realm);
        Assert.Equal("registry.docker.io", challenge.Service);
        Assert.Equal("repository:library/busybox:pull", challenge.Scope);
    }

    [Fact]
    public void Parses_a_basic_challenge_with_escapes_and_unquoted_values()
    {
        var challenge = AuthChallenge.Parse("Basic realm=\"a \\\"b\\\"\", charset=UTF-8")!;

        Assert.Equal("Basic", challenge.Scheme);
        Assert.Equal("a \"b\"", challenge.Realm);
        Assert.Equal("UTF-8", challenge.Parameters["charset"]);
    }

    [Fact]
    public void Credentials_come_from_username_password_or_the_auth_field()
    {
        var plain = RegistryCredentials.From(new AuthConfig { Username = "u", Password = "p" });
        var encoded = RegistryCredentials.From(new AuthConfig { Auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("me:pa:ss")) });
        var tokens = RegistryCredentials.From(new AuthConfig { IdentityToken = "refresh", RegistryToken = "bearer" });

        Assert.Equal(("u", "p"), (plain.Username, plain.Password));
        Assert.Equal(("me", "pa:ss"), (encoded.Username, encoded.Password));
        Assert.Equal(("refresh", "bearer"), (tokens.IdentityToken, tokens.RegistryToken));
        Assert.False(tokens.HasPassword);
        Assert.Throws<InvalidArgumentException>(() => RegistryCredentials.From(new AuthConfig { Auth = "not base64!" }));
    }

    [Fact]
    public void Credentials_are_not_sent_to_mirrors_unless_they_name_them()
    {
        var registry = new RegistryEndpoint("registry.example", "app", false, false);
        var mirror = new RegistryEndpoint("mirror.example", "app", false, true);

        var general = RegistryCredentials.From(new AuthConfig { Username = "u", Password = "p" });
        var forMirror = RegistryCredentials.From(new AuthConfig { Username = "u", Password = "p", ServerAddress = "https://mirror.example" });

        Assert.True(general.AppliesTo(registry));
        Assert.False(general.AppliesTo(mirror));
        Assert.True(forMirror.AppliesTo(mirror));
        Assert.False(forMirror.AppliesTo(registry));
    }

    [Fact]
    public void Chain_ids_follow_the_oci_definition()
    {
        var a = Digest.Of("a"u8);
        var b = Digest.Of("b"u8);

        var chain = ImagePuller.ChainIds([a, b]);

        Assert.Equal(a, chain[0]);
        Assert.Equal(Digest.Of(Encoding.ASCII.GetBytes($"{a} {b}")), chain[1]);
    }

    [Fact]
    public void Verifying_stream_catches_wrong_digest_and_wrong_size()
    {
        var content = "hello"u8.ToArray();
        var good = new VerifyingStream(new MemoryStream(content), content.Length, "blob");
        good.Drain();
        Assert.Equal(Digest.Of(content), good.Verify(Digest.Of(content)));

        var wrong = new VerifyingStream(new MemoryStream(content), content.Length, "blob");
        wrong.Drain();
        Assert.Throws<DataLossException>(() => wrong.Verify(Digest.Of("other"u8)));

        var shorter = new VerifyingStream(new MemoryStream(content), content.Length + 1, "blob");
        shorter.Drain();
        Assert.Throws<DataLossException>(() => shorter.Verify(null));

        var longer = new VerifyingStream(new MemoryStream(content), content.Length - 1, "blob");
        Assert.Throws<DataLossException>(longer.Drain);
    }
}
