using CriShim.Api.Composition;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Network;
using Microsoft.Extensions.DependencyInjection;

namespace CriShim.Api.Tests.Composition;

public sealed class NetworkCompositionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("crishim-api-unit-").FullName;

    [Fact]
    public void The_pod_network_is_cni_and_shares_the_config_directory_status_uses()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(new DaemonConfig { Root = _root })
            .AddSingleton<CniConfigDirectory>()
            .AddCriShimNetwork();

        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.IsType<CniNetwork>(provider.GetRequiredService<IPodNetwork>());
        Assert.Same(provider.GetRequiredService<IPodNetwork>(), provider.GetRequiredService<IPodNetwork>());
        Assert.True(Directory.Exists(Path.Combine(_root, "cni")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
