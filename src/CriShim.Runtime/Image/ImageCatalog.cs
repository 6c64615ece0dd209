using CriShim.Contract;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Image;

/// <summary>The CRI ImageService operations over the image store, the puller and the layer store.</summary>
public sealed class ImageCatalog(
    ImageStore images,
    ImagePuller puller,
    LayerStore layers,
    BlobStore blobs,
    ImageGarbageCollector collector,
    PullProgressBoard board,
    ILogger<ImageCatalog> log)
{
    public ListImagesResponse ListImages(ImageFilter? filter)
    {
        var wanted = filter?.Image?.Image;
        var found = string.IsNullOrEmpty(wanted)
            ? images.All.OrderBy(i => i.PulledAt)
            : images.Resolve(wanted) is { } one ? [one] : Enumerable.Empty<ImageRecord>();
        var response = new ListImagesResponse();
        response.Images.AddRange(found.Select(i => i.ToCri()));
        return response;
    }

    /// <summary>The image, or an empty response for an unknown one (kubelet then pulls); verbose adds the config as JSON.</summary>
    public ImageStatusResponse ImageStatus(string reference, bool verbose)
    {
        var response = new ImageStatusResponse();
        var image = images.Resolve(reference);
        if (image is null)
        {
            if (verbose && board.Find(reference) is { } progress)
            {
                response.Info["pullProgress"] = progress.ToJson();
            }
            return response;
        }
        response.Image = image.ToCri();
        if (verbose)
        {
            response.Info["info"] = image.VerboseInfo(blobs.TryRead(image.ConfigDigest), images.LayerDirectories(image));
        }
        return response;
    }

    public async Task<string> PullImageAsync(string reference, AuthConfig? auth, CancellationToken cancel)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw new InvalidArgumentException("image reference is empty");
        }
        var record = await puller.PullAsync(reference, RegistryCredentials.From(auth), cancel);
        return record.Id;
    }

    /// <summary>Removes the reference (idempotent) and then the layers and blobs nothing uses any more.</summary>
    public void RemoveImage(string reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw new InvalidArgumentException("image reference is empty");
        }
        if (images.Remove(reference))
        {
            log.LogInformation("removed image reference {Reference}", reference);
        }
        collector.Collect();
    }

    /// <summary>Bytes and inodes of the image filesystem: the unpacked layers plus the stored manifests and configs.</summary>
    public ImageFsInfoResponse ImageFsInfo()
    {
        var usage = layers.All().Aggregate(DiskUsage.Of(blobs.Directory), (sum, layer) => sum + layers.UsageOf(layer));
        var response = new ImageFsInfoResponse();
        response.ImageFilesystems.Add(new FilesystemUsage
        {
            Timestamp = CriTimestamp.Now(),
            FsId = new FilesystemIdentifier { Mountpoint = layers.Directory },
            UsedBytes = new UInt64Value { Value = (ulong)usage.Bytes },
            InodesUsed = new UInt64Value { Value = (ulong)usage.Inodes },
        });
        return response;
    }
}
