using System.Security.Cryptography;
using CriShim.NativeTests.Infrastructure;

namespace CriShim.NativeTests.Image;

/// <summary>One registry for the image tests, with every test image pushed once.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    public TestRegistry Registry { get; private set; } = null!;
    public TestImage Busybox { get; private set; } = null!;
    public TestImage BusyboxWithUid { get; private set; } = null!;
    public TestImage BusyboxWithUserName { get; private set; } = null!;
    public TestImage Layered { get; private set; } = null!;
    public TestImage MultiArchAmd64 { get; private set; } = null!;
    public TestImage MultiArchArm64 { get; private set; } = null!;
    public string MultiArchIndexDigest { get; private set; } = "";
    public TestImage Big { get; private set; } = null!;

    public string Ref(string repositoryAndTag) => $"{Registry.Host}/{repositoryAndTag}";

    public async Task InitializeAsync()
    {
        Registry = await TestRegistry.StartAsync();
        Busybox = TestImages.Busybox();
        await Busybox.PushAsync(Registry, "test/busybox", "1");
        await Busybox.PushAsync(Registry, "test/busybox", "also");
        await Busybox.PushAsync(Registry, "e2e-test-images/busybox", "1.29-2");
        BusyboxWithUid = TestImages.Busybox(user: "1000:1000", cmd: ["id"]);
        await BusyboxWithUid.PushAsync(Registry, "test/busybox", "uid");
        BusyboxWithUserName = TestImages.Busybox(user: "app", cmd: ["whoami"]);
        await BusyboxWithUserName.PushAsync(Registry, "test/busybox", "username");

        Layered = TestImages.Build(
        [
            TestLayer.From(TestImages.BusyboxLayer(), LayerCompression.Gzip),
            TestLayer.From(TestImages.Tar(t =>
            {
                t.Directory("data");
                t.File("data/keep", "kept");
                t.Directory("data/old");
                t.File("data/old/a", "hidden by the opaque marker above");
                t.File("etc/removed", "deleted by a whiteout above");
                t.File("setuid", "x", (UnixFileMode)0x9ED, uid: 1000, gid: 1001, xattrs: new Dictionary<string, string> { ["user.note"] = "hello" });
                t.HardLink("setuid-link", "setuid");
                t.CharacterDevice("dev/null-copy", 1, 3);
                t.Fifo("pipe");
            }), LayerCompression.None),
            TestLayer.From(TestImages.Tar(t =>
            {
                t.Whiteout("etc/removed");
                t.Directory("data/old");
                t.Opaque("data/old");
                t.File("data/old/new", "only this");
            }), LayerCompression.Zstd),
        ]);
        await Layered.PushAsync(Registry, "test/layered", "1");

        MultiArchAmd64 = TestImages.Busybox(cmd: ["echo", "amd64"]);
        MultiArchArm64 = TestImages.Build([TestLayer.From(TestImages.Tar(t => t.File("arch", "arm64")))], architecture: "arm64", variant: "v8");
        await MultiArchAmd64.PushAsync(Registry, "test/multiarch", null);
        await MultiArchArm64.PushAsync(Registry, "test/multiarch", null);
        var index = TestImages.Index((MultiArchArm64, "arm64", "v8"), (MultiArchAmd64, "amd64", null));
        MultiArchIndexDigest = TestImages.DigestOf(index);
        await Registry.PushManifestAsync("test/multiarch", "1", TestImages.OciIndex, index);

        Big = TestImages.Build([TestLayer.From(TestImages.Tar(t => t.File("random", RandomNumberGenerator.GetBytes(8 << 20))), LayerCompression.None)]);
        await Big.PushAsync(Registry, "test/big", "1");

        await PushHostileAsync();
        await PushCorruptAsync();
    }

    public async Task DisposeAsync() => await Registry.DisposeAsync();

    /// <summary>Layers the unpacker must refuse, each served as a valid image so the refusal is the unpacker's.</summary>
    public static readonly IReadOnlyDictionary<string, Action<TestImages.TarBuilder>> Hostile = new Dictionary<string, Action<TestImages.TarBuilder>>
    {
        ["dotdot"] = t => t.File("../../../../tmp/crishim-escape-dotdot", "x"),
        ["absolute"] = t => t.File("/tmp/crishim-escape-absolute", "x"),
        ["symlink"] = t =>
        {
            t.Symlink("evil", "/tmp");
            t.File("evil/crishim-escape-symlink", "x");
        },
        ["hardlink"] = t => t.HardLink("passwd", "../../../../../etc/passwd"),
        ["hardlink-absolute"] = t => t.HardLink("passwd", "/etc/passwd"),
    };

    private async Task PushHostileAsync()
    {
        foreach (var (name, build) in Hostile)
        {
            // A good file first, so that refusing later leaves something that must be cleaned up.
            var image = TestImages.Build([TestLayer.From(TestImages.Tar(t =>
            {
                t.File("good", "fine");
                build(t);
            }))]);
            await image.PushAsync(Registry, "hostile/" + name, "1");
        }
        // A header claiming a petabyte: the unpacker must refuse it before reading.
        var huge = TestImages.Build([TestLayer.From([.. HugeHeader(), .. new byte[1024]])]);
        await huge.PushAsync(Registry, "hostile/size", "1");
    }

    private async Task PushCorruptAsync()
    {
        // The config's diff_id does not match the layer's content.
        var layer = TestLayer.From(TestImages.Tar(t => t.File("a", "a")));
        var other = TestLayer.From(TestImages.Tar(t => t.File("b", "b")));
        var wrongDiff = TestImages.Build([other with { Blob = layer.Blob }]);
        await wrongDiff.PushAsync(Registry, "bad/diffid", "1");
        // The manifest claims another size than the blob has.
        var image = TestImages.Build([layer]);
        var manifest = TestImages.Manifest(image.Config, image.Layers, l => l.Blob.Length + 1);
        await (image with { Manifest = manifest }).PushAsync(Registry, "bad/size", "1");
    }

    private static byte[] HugeHeader()
    {
        var header = new byte[512];
        System.Text.Encoding.ASCII.GetBytes("huge").CopyTo(header, 0);
        System.Text.Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100);
        System.Text.Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 108);
        System.Text.Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 116);
        header[124] = 0x80;
        BitConverter.GetBytes(1L << 50).Reverse().ToArray().CopyTo(header, 128);
        System.Text.Encoding.ASCII.GetBytes("00000000000\0").CopyTo(header, 136);
        header[156] = (byte)'0';
        "ustar\0"u8.ToArray().CopyTo(header, 257);
        "00"u8.ToArray().CopyTo(header, 263);
        for (var i = 148; i < 156; i++)
        {
            header[i] = (byte)' ';
        }
        var sum = header.Sum(b => (long)b);
        System.Text.Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        return header;
    }
}

[CollectionDefinition("registry")]
public sealed class RegistryCollection : ICollectionFixture<RegistryFixture>;
