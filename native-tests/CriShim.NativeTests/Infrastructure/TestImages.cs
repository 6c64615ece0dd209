using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CriShim.NativeTests.Infrastructure;

/// <summary>How a layer blob is compressed.</summary>
public enum LayerCompression
{
    None,
    Gzip,
    Zstd,
}

/// <summary>One layer: its tar, and the blob pushed for it.</summary>
public sealed record TestLayer(byte[] Tar, byte[] Blob, LayerCompression Compression)
{
    public string DiffId => TestImages.DigestOf(Tar);
    public string Digest => TestImages.DigestOf(Blob);

    public string MediaType => Compression switch
    {
        LayerCompression.Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
        LayerCompression.Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
        _ => "application/vnd.oci.image.layer.v1.tar",
    };

    public static TestLayer From(byte[] tar, LayerCompression compression = LayerCompression.Gzip) =>
        new(tar, TestImages.Compress(tar, compression), compression);
}

/// <summary>An OCI image built in the test: config, manifest and layers, pushable to a <see cref="TestRegistry"/>.</summary>
public sealed record TestImage(byte[] Config, byte[] Manifest, IReadOnlyList<TestLayer> Layers)
{
    public string Id => TestImages.DigestOf(Config);
    public string ManifestDigest => TestImages.DigestOf(Manifest);

    public async Task PushAsync(TestRegistry registry, string repository, string? tag)
    {
        foreach (var layer in Layers)
        {
            await registry.PushBlobAsync(repository, layer.Digest, layer.Blob);
        }
        await registry.PushBlobAsync(repository, Id, Config);
        await registry.PushManifestAsync(repository, tag ?? ManifestDigest, TestImages.OciManifest, Manifest);
    }
}

/// <summary>
/// Builds OCI images from Debian's busybox-static (<c>/bin/busybox</c>): a base layer with the binary
/// and a symlink per applet in /bin (so <c>/bin/sh</c>, <c>sleep</c>, <c>httpd</c>... exist), plus
/// helpers for further layers, whiteouts and multi-arch indexes. Container and sandbox tests reuse it.
/// </summary>
public static class TestImages
{
    public const string BusyboxPath = "/bin/busybox";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>The base layer: /bin/busybox, /bin/&lt;applet&gt; symlinks, /etc/passwd and group, /tmp, /root.</summary>
    public static byte[] BusyboxLayer()
    {
        var applets = AppletNames();
        return Tar(w =>
        {
            foreach (var dir in new[] { "bin", "etc", "root", "tmp", "usr", "usr/bin", "var", "proc", "sys", "dev" })
            {
                w.Directory(dir, dir == "tmp" ? (UnixFileMode)0x3FF : (UnixFileMode)0x1ED);
            }
            w.File("bin/busybox", File.ReadAllBytes(BusyboxPath), (UnixFileMode)0x1ED);
            foreach (var applet in applets.Where(a => a != "busybox"))
            {
                w.Symlink("bin/" + applet, "busybox");
            }
            w.File("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\napp:x:1000:1000:app:/tmp:/bin/sh\n");
            w.File("etc/group", "root:x:0:\nnogroup:x:65534:\napp:x:1000:\n");
        });
    }

    public static string[] AppletNames()
    {
        var info = new System.Diagnostics.ProcessStartInfo(BusyboxPath, "--list") { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>A single-layer busybox image running <c>sh</c> unless told otherwise.</summary>
    public static TestImage Busybox(string? user = null, string[]? cmd = null) =>
        Build([TestLayer.From(BusyboxLayer())], user: user, cmd: cmd ?? ["sh"]);

    public static TestImage Build(IReadOnlyList<TestLayer> layers, string? user = null, string[]? cmd = null,
        string[]? entrypoint = null, string[]? env = null, string architecture = "amd64", string? variant = null)
    {
        var containerConfig = new JsonObject
        {
            ["Env"] = new JsonArray((env ?? ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]).Select(e => (JsonNode?)e).ToArray()),
            ["Cmd"] = new JsonArray((cmd ?? ["sh"]).Select(e => (JsonNode?)e).ToArray()),
            ["WorkingDir"] = "/",
            ["StopSignal"] = "SIGTERM",
        };
        if (entrypoint is not null)
        {
            containerConfig["Entrypoint"] = new JsonArray(entrypoint.Select(e => (JsonNode?)e).ToArray());
        }
        if (user is not null)
        {
            containerConfig["User"] = user;
        }
        var config = new JsonObject
        {
            ["architecture"] = architecture,
            ["os"] = "linux",
            ["created"] = "2024-01-01T00:00:00Z",
            ["config"] = containerConfig,
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray(layers.Select(l => (JsonNode?)l.DiffId).ToArray()),
            },
        };
        if (variant is not null)
        {
            config["variant"] = variant;
        }
        var configBytes = Encoding.UTF8.GetBytes(config.ToJsonString());
        return new TestImage(configBytes, Manifest(configBytes, layers), layers);
    }

    public static byte[] Manifest(byte[] config, IReadOnlyList<TestLayer> layers, Func<TestLayer, long>? sizeOf = null) =>
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciManifest,
            ["config"] = new JsonObject { ["mediaType"] = OciConfig, ["digest"] = DigestOf(config), ["size"] = config.Length },
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode?)new JsonObject
            {
                ["mediaType"] = l.MediaType,
                ["digest"] = l.Digest,
                ["size"] = sizeOf?.Invoke(l) ?? l.Blob.Length,
            }).ToArray()),
        }.ToJsonString());

    /// <summary>An OCI index over images of different platforms; push the images by digest first.</summary>
    public static byte[] Index(params (TestImage Image, string Architecture, string? Variant)[] entries) =>
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciIndex,
            ["manifests"] = new JsonArray(entries.Select(e =>
            {
                var platform = new JsonObject { ["architecture"] = e.Architecture, ["os"] = "linux" };
                if (e.Variant is not null)
                {
                    platform["variant"] = e.Variant;
                }
                return (JsonNode?)new JsonObject
                {
                    ["mediaType"] = OciManifest,
                    ["digest"] = e.Image.ManifestDigest,
                    ["size"] = e.Image.Manifest.Length,
                    ["platform"] = platform,
                };
            }).ToArray()),
        }.ToJsonString());

    public static byte[] Compress(byte[] tar, LayerCompression compression)
    {
        if (compression == LayerCompression.None)
        {
            return tar;
        }
        using var output = new MemoryStream();
        using (Stream compressor = compression == LayerCompression.Gzip
            ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)
            : new ZstdSharp.CompressionStream(output, 3, leaveOpen: true))
        {
            compressor.Write(tar);
        }
        return output.ToArray();
    }

    /// <summary>Builds a PAX tar with the entries <paramref name="build"/> adds.</summary>
    public static byte[] Tar(Action<TarBuilder> build)
    {
        using var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            build(new TarBuilder(writer));
        }
        return stream.ToArray();
    }

    /// <summary>Adds entries to a layer tar, owned by root and dated 2024-01-01 unless told otherwise.</summary>
    public sealed class TarBuilder(TarWriter writer)
    {
        public void Directory(string name, UnixFileMode mode = (UnixFileMode)0x1ED, int uid = 0, int gid = 0) =>
            Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode }, uid, gid);

        public void File(string name, string content, UnixFileMode mode = (UnixFileMode)0x1A4, int uid = 0, int gid = 0,
            IReadOnlyDictionary<string, string>? xattrs = null) =>
            File(name, Encoding.UTF8.GetBytes(content), mode, uid, gid, xattrs);

        public void File(string name, byte[] content, UnixFileMode mode = (UnixFileMode)0x1A4, int uid = 0, int gid = 0,
            IReadOnlyDictionary<string, string>? xattrs = null)
        {
            var pax = xattrs?.ToDictionary(kv => "SCHILY.xattr." + kv.Key, kv => kv.Value) ?? [];
            Add(new PaxTarEntry(TarEntryType.RegularFile, name, pax) { Mode = mode, DataStream = new MemoryStream(content) }, uid, gid);
        }

        public void Symlink(string name, string target) =>
            Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, Mode = (UnixFileMode)0x1FF }, 0, 0);

        public void HardLink(string name, string target) =>
            Add(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target }, 0, 0);

        public void CharacterDevice(string name, int major, int minor) =>
            Add(new PaxTarEntry(TarEntryType.CharacterDevice, name) { DeviceMajor = major, DeviceMinor = minor, Mode = (UnixFileMode)0x1B6 }, 0, 0);

        public void Fifo(string name) => Add(new PaxTarEntry(TarEntryType.Fifo, name) { Mode = (UnixFileMode)0x1A4 }, 0, 0);

        /// <summary>Hides <paramref name="path"/> of the layers below.</summary>
        public void Whiteout(string path)
        {
            var slash = path.LastIndexOf('/');
            File(slash < 0 ? ".wh." + path : $"{path[..slash]}/.wh.{path[(slash + 1)..]}", "");
        }

        /// <summary>Hides everything the layers below have in <paramref name="directory"/>.</summary>
        public void Opaque(string directory) => File($"{directory}/.wh..wh..opq", "");

        private void Add(PaxTarEntry entry, int uid, int gid)
        {
            entry.Uid = uid;
            entry.Gid = gid;
            entry.ModificationTime = Epoch;
            writer.WriteEntry(entry);
        }
    }
}
