using System.Net;
using CriShim.NativeTests.Infrastructure;

namespace CriShim.NativeTests.Image;

/// <summary>
/// Two real registries with the busybox test image: one demanding HTTP basic auth (htpasswd) over HTTPS
/// with a self-signed certificate, as docker-registry's documentation asks for htpasswd, and one open, which the bearer tests put a <see cref="BearerTokenFront"/> in front of, one per test.
/// </summary>
public sealed class RegistryAuthFixture : IAsyncLifetime
{
    public const string Repository = "private/busybox";
    public static readonly NetworkCredential User = new("puller", "s3cret:with-colon");

    public TestRegistry BasicAuthRegistry { get; private set; } = null!;
    public TestRegistry OpenRegistry { get; private set; } = null!;
    public TestImage Busybox { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        BasicAuthRegistry = await TestRegistry.StartAsync(User, tls: true);
        OpenRegistry = await TestRegistry.StartAsync();
        Busybox = TestImages.Busybox();
        await Busybox.PushAsync(BasicAuthRegistry, Repository, "1");
        await Busybox.PushAsync(OpenRegistry, Repository, "1");
    }

    public async Task DisposeAsync()
    {
        await BasicAuthRegistry.DisposeAsync();
        await OpenRegistry.DisposeAsync();
    }
}

[CollectionDefinition("registry-auth")]
public sealed class RegistryAuthCollection : ICollectionFixture<RegistryAuthFixture>;
