using System.Formats.Tar;
using System.Text.Json;
using CriShim.Contract;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Image;

namespace CriShim.Runtime.Container.Checkpoint;

/// <summary>
/// CreateContainer from a checkpoint archive, as the kubelet and CRI-O take it: <c>image.image</c> is the archive's
/// absolute path. The container gets the image the checkpoint ran (config.dump's image ID, which must be on this node),
/// the archive's writable layer, and a <see cref="CheckpointRestoreSpec"/> that makes its monitor <c>criu restore</c>
/// it into the new pod's namespaces, with the new container's volumes and pod files at the dumped mount points.
/// </summary>
public static class CheckpointRestore
{
    /// <summary>Where the archive is extracted in the container's directory (removed with the container).</summary>
    public const string ArchiveDirectory = "checkpoint-archive";

    /// <summary>Whether an image reference is a checkpoint archive: an absolute path to an existing file (no image reference is).</summary>
    public static bool IsArchive(string image) => image.StartsWith('/') && File.Exists(image);

    /// <summary>The image ID the checkpointed container ran, read from the archive's config.dump.</summary>
    public static string ImageIdOf(string archive)
    {
        try
        {
            using var file = File.OpenRead(archive);
            using var reader = new TarReader(file);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.Name.TrimStart('.', '/') == CheckpointMetadata.ConfigDump && entry.DataStream is { } data)
                {
                    using var buffer = new MemoryStream();
                    data.CopyTo(buffer);
                    return CheckpointMetadata.ImageIdOf(buffer.ToArray());
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or FormatException)
        {
            throw new InvalidArgumentException($"{archive} is not a checkpoint archive: {e.Message}", e);
        }
        throw new InvalidArgumentException($"{archive} is not a checkpoint archive: it has no {CheckpointMetadata.ConfigDump}");
    }

    /// <summary>
    /// Extracts <paramref name="archive"/> into the container's <paramref name="directory"/>, unpacks its rootfs diff into the
    /// (empty) writable layer and returns what the monitor needs to restore it with <paramref name="spec"/>'s mounts.
    /// </summary>
    public static CheckpointRestoreSpec Prepare(string archive, ContainerDirectory directory, ContainerProcessSpec spec)
    {
        var extracted = Path.Combine(directory.Path, ArchiveDirectory);
        Directory.CreateDirectory(extracted);
        try
        {
            CheckpointArchive.Extract(archive, extracted);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidArgumentException($"checkpoint archive {archive}: {e.Message}", e);
        }
        var images = Path.Combine(extracted, CheckpointMetadata.ImagesDirectory);
        if (!File.Exists(Path.Combine(images, "inventory.img")))
        {
            throw new InvalidArgumentException($"checkpoint archive {archive} has no criu images ({CheckpointMetadata.ImagesDirectory}/inventory.img)");
        }
        var diff = Path.Combine(extracted, CheckpointMetadata.RootfsDiff);
        if (File.Exists(diff))
        {
            using var layer = File.OpenRead(diff);
            new LayerUnpacker(UnpackLimits.Default).Unpack(layer, directory.Upper);
            File.Delete(diff);
        }
        var sources = CriuExternalMounts.Sources(spec);
        var external = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var point in ReadList(Path.Combine(images, CheckpointMetadata.ExternalMounts)))
        {
            external[point] = CriuExternalMounts.SourceOf(point, sources)
                ?? throw new InvalidArgumentException($"the checkpoint had a mount at {point} from the host; the new container must mount something there too");
        }
        return new CheckpointRestoreSpec
        {
            ImagesDirectory = images,
            Descriptors = ReadList(Path.Combine(images, CheckpointMetadata.Descriptors)),
            ExternalMounts = external,
        };
    }

    private static string[] ReadList(string file) =>
        File.Exists(file) ? JsonSerializer.Deserialize(File.ReadAllBytes(file), CheckpointJsonContext.Default.StringArray) ?? [] : [];
}
