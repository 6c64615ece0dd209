using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Image;

/// <summary>Removes layers and blobs that no image or container references and no pull in progress has pinned.</summary>
public sealed class ImageGarbageCollector(ImageStore images, LayerStore layers, BlobStore blobs, ContentPins pins,
    IEnumerable<ILayerUsers> layerUsers, ILogger log)
{
    private readonly Lock _lock = new();

    public void Collect()
    {
        lock (_lock)
        {
            var records = images.All.ToList();
            var usedLayers = records.SelectMany(r => r.Layers)
                .Concat(layerUsers.SelectMany(u => u.LayersInUse()))
                .ToHashSet(StringComparer.Ordinal);
            var usedBlobs = records.SelectMany(r => r.Blobs()).ToHashSet();
            foreach (var layer in layers.All().Where(l => !usedLayers.Contains(l.ToString())).ToList())
            {
                layers.Delete(layer, pins);
            }
            foreach (var blob in blobs.All().Where(b => !usedBlobs.Contains(b)).ToList())
            {
                if (pins.TryCollect(blob.Hex, () => blobs.Delete(blob)))
                {
                    log.LogDebug("removed unused blob {Digest}", blob);
                }
            }
        }
    }
}
