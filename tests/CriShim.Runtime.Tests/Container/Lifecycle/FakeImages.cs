using CriShim.Runtime.Image;

namespace CriShim.Runtime.Tests.Container.Lifecycle;

/// <summary>One image whose single layer is a scratch directory with the /etc/passwd and /etc/group users are resolved in.</summary>
internal sealed class FakeImages : IImageResolver
{
    public const string Reference = "example.test/svc:1";

    private readonly string _layer;

    public FakeImages(string layer)
    {
        _layer = layer;
        Directory.CreateDirectory(Path.Combine(layer, "etc"));
        File.WriteAllText(Path.Combine(layer, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
        File.WriteAllText(Path.Combine(layer, "etc", "group"), "root:x:0:\napp:x:1000:\n");
        File.WriteAllText(Path.Combine(layer, "etc", "hostname"), "a file, not a directory\n");
    }

    public ImageRecord Image { get; } = new()
    {
        Id = "sha256:" + new string('a', 64),
        ManifestDigest = "sha256:" + new string('b', 64),
        RepoTags = [Reference],
        Layers = ["sha256:" + new string('c', 64)],
        Config = new ImageRuntimeConfig { Env = ["PATH=/usr/bin:/bin"] },
    };

    public ImageRecord? Resolve(string reference) => reference == Reference ? Image : null;

    public IReadOnlyList<string> LayerDirectories(ImageRecord image) => [_layer];
}
