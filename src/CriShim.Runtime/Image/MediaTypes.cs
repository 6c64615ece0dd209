namespace CriShim.Runtime.Image;

/// <summary>The manifest and layer media types of Docker v2 schema 2 and OCI that the puller accepts.</summary>
public static class MediaTypes
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";

    /// <summary>The Accept header for manifest requests: every type we can read, most specific first.</summary>
    public static IReadOnlyList<string> ManifestAccept { get; } = [OciIndex, DockerManifestList, OciManifest, DockerManifest];

    public static bool IsIndex(string mediaType) => mediaType is OciIndex or DockerManifestList;

    public static bool IsManifest(string mediaType) => mediaType is OciManifest or DockerManifest;

    public static bool IsLayer(string mediaType) =>
        mediaType is DockerLayerGzip or OciLayer or OciLayerGzip or OciLayerZstd
            or "application/vnd.oci.image.layer.nondistributable.v1.tar"
            or "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
            or "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"
            or "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
}
