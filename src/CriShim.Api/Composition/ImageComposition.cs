using CriShim.Runtime.Configuration;
using CriShim.Runtime.Image;

namespace CriShim.Api.Composition;

/// <summary>Images: registry client, registries.conf, blob and layer stores under --root, the image store, puller and GC.</summary>
public static class ImageComposition
{
    public static IServiceCollection AddCriShimImages(this IServiceCollection services)
    {
        services.AddSingleton<RegistryClient>();
        services.AddSingleton(p => new RegistriesConfigSource(
            p.GetRequiredService<DaemonConfig>().RegistriesConf, p.GetRequiredService<ILogger<RegistriesConfigSource>>()));
        services.AddSingleton(p => new BlobStore(p.GetRequiredService<DaemonConfig>().Root));
        services.AddSingleton(p => new LayerStore(
            p.GetRequiredService<DaemonConfig>().Root, UnpackLimits.Default, p.GetRequiredService<ILogger<LayerStore>>()));
        services.AddSingleton(p => new ImageStore(
            p.GetRequiredService<DaemonConfig>().Root, p.GetRequiredService<LayerStore>(), p.GetRequiredService<ILogger<ImageStore>>()));
        services.AddSingleton<ContentPins>();
        services.AddSingleton<PullProgressBoard>();
        services.AddSingleton(PlatformSelector.Host);
        services.AddSingleton(p => new ImageGarbageCollector(
            p.GetRequiredService<ImageStore>(), p.GetRequiredService<LayerStore>(), p.GetRequiredService<BlobStore>(),
            p.GetRequiredService<ContentPins>(), p.GetServices<ILayerUsers>(), p.GetRequiredService<ILogger<ImageGarbageCollector>>()));
        services.AddSingleton(p =>
        {
            var config = p.GetRequiredService<DaemonConfig>();
            return new ImagePullSettings(config.ImagePullProgressTimeout, config.MaxConcurrentDownloads);
        });
        services.AddSingleton<ImagePuller>();
        services.AddSingleton<ImageCatalog>();
        services.AddHostedService<ImageStoreStartup>();
        return services;
    }

    /// <summary>At start-up: load the image records, drop half-written layers and blobs of an interrupted run, collect garbage.</summary>
    private sealed class ImageStoreStartup(LayerStore layers, BlobStore blobs, ImageStore images, ImageGarbageCollector collector,
        RegistriesConfigSource registries, ILogger<ImageStoreStartup> log) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            layers.RemoveLeftovers();
            blobs.RemoveLeftovers();
            collector.Collect();
            log.LogInformation("image store: {Count} images, {Layers} layers", images.All.Count, layers.All().Count());
            try
            {
                registries.Current();
            }
            catch (Runtime.Errors.CriException e)
            {
                log.LogError("{Error}; pulls fail until it is fixed", e.Message);
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
