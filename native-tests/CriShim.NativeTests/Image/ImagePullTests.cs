using CriShim.Native;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Image;

/// <summary>PullImage, ImageStatus, ListImages, RemoveImage and ImageFsInfo against the real daemon and a real registry.</summary>
[Collection("registry")]
public sealed class ImagePullTests(RegistryFixture fixture)
{
    private static async Task<string> Pull(DaemonProcess daemon, string image, AuthConfig? auth = null) =>
        (await daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image }, Auth = auth })).ImageRef;

    private static async Task<ImageStatusResponse> Status(DaemonProcess daemon, string image, bool verbose = false) =>
        await daemon.Images.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = image }, Verbose = verbose });

    private static async Task Remove(DaemonProcess daemon, string image) =>
        await daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = image } });

    private static async Task<IReadOnlyList<Protocol.V1.Image>> List(DaemonProcess daemon, string? filter = null) =>
        (await daemon.Images.ListImagesAsync(new ListImagesRequest
        {
            Filter = filter is null ? null : new ImageFilter { Image = new ImageSpec { Image = filter } },
        })).Images;

    private static string[] LayerDirs(DaemonProcess daemon) =>
        Directory.Exists(Path.Combine(daemon.Root, "layers")) ? Directory.GetDirectories(Path.Combine(daemon.Root, "layers")) : [];

    [RootFact]
    public async Task Pull_by_tag_records_the_image_under_its_id_tag_and_repo_digest()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var reference = fixture.Ref("test/busybox:1");

        var id = await Pull(daemon, reference);

        Assert.Equal(fixture.Busybox.Id, id);
        var image = Assert.Single(await List(daemon));
        Assert.Equal(id, image.Id);
        Assert.Equal([reference], image.RepoTags);
        Assert.Equal([$"{fixture.Registry.Host}/test/busybox@{fixture.Busybox.ManifestDigest}"], image.RepoDigests);
        Assert.Equal((ulong)(fixture.Busybox.Config.Length + fixture.Busybox.Layers.Sum(l => l.Blob.Length)), image.Size);
        var layer = Assert.Single(LayerDirs(daemon));
        Assert.Equal(fixture.Busybox.Layers[0].DiffId[7..], Path.GetFileName(layer));
        Assert.Equal(UnixFileKind.Symlink, FileSystem.KindOf(Path.Combine(layer, "bin/sh")));
        Assert.Equal(new FileInfo(TestImages.BusyboxPath).Length, new FileInfo(Path.Combine(layer, "bin/busybox")).Length);
    }

    [RootFact]
    public async Task Image_status_finds_the_image_by_every_kind_of_reference()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var id = await Pull(daemon, fixture.Ref("test/busybox:1"));
        var hex = id[7..];

        foreach (var reference in new[]
        {
            id, hex, hex[..12], "sha256:" + hex[..8],
            fixture.Ref("test/busybox:1"),
            fixture.Ref($"test/busybox@{fixture.Busybox.ManifestDigest}"),
            fixture.Ref($"test/busybox:whatever@{fixture.Busybox.ManifestDigest}"),
        })
        {
            var status = await Status(daemon, reference);
            Assert.True(status.Image?.Id == id, $"ImageStatus({reference}) did not find {id}");
        }
        Assert.Single(await List(daemon, hex[..12]));
        Assert.Empty(await List(daemon, "docker.io/library/unknown:1"));
    }

    [RootFact]
    public async Task An_unknown_image_gives_an_empty_status_not_an_error()
    {
        await using var daemon = await DaemonProcess.StartAsync();

        foreach (var reference in new[] { "busybox", "sha256:" + new string('a', 64), "abcdef", "Not/A/Valid/Ref" })
        {
            var status = await Status(daemon, reference, verbose: true);
            Assert.Null(status.Image);
        }
    }

    [RootFact]
    public async Task Verbose_status_reports_user_and_the_config_as_json()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        await Pull(daemon, fixture.Ref("test/busybox:uid"));
        await Pull(daemon, fixture.Ref("test/busybox:username"));

        var byUid = await Status(daemon, fixture.Ref("test/busybox:uid"), verbose: true);
        var byName = await Status(daemon, fixture.Ref("test/busybox:username"));

        Assert.Equal(1000, byUid.Image.Uid.Value);
        Assert.Equal("", byUid.Image.Username);
        Assert.Null(byName.Image.Uid);
        Assert.Equal("app", byName.Image.Username);
        using var info = System.Text.Json.JsonDocument.Parse(byUid.Info["info"]);
        Assert.Equal("1000:1000", info.RootElement.GetProperty("imageSpec").GetProperty("config").GetProperty("User").GetString());
        Assert.Equal(["id"], info.RootElement.GetProperty("imageSpec").GetProperty("config").GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.True(Directory.Exists(info.RootElement.GetProperty("layerDirectories")[0].GetString()));
    }

    [RootFact]
    public async Task Pull_by_digest_adds_a_repo_digest_and_no_tag_and_a_second_tag_joins_the_same_image()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var byDigest = fixture.Ref($"test/busybox@{fixture.Busybox.ManifestDigest}");

        var id = await Pull(daemon, byDigest);
        var image = Assert.Single(await List(daemon));
        Assert.Empty(image.RepoTags);
        Assert.Equal([byDigest], image.RepoDigests);

        Assert.Equal(id, await Pull(daemon, fixture.Ref("test/busybox:1")));
        Assert.Equal(id, await Pull(daemon, fixture.Ref("test/busybox:also")));
        image = Assert.Single(await List(daemon));
        Assert.Equal([fixture.Ref("test/busybox:1"), fixture.Ref("test/busybox:also")], image.RepoTags);
        Assert.Equal([byDigest], image.RepoDigests);
        Assert.Single(LayerDirs(daemon));
    }

    [RootFact]
    public async Task A_multi_arch_index_resolves_to_linux_amd64()
    {
        await using var daemon = await DaemonProcess.StartAsync();

        var id = await Pull(daemon, fixture.Ref("test/multiarch:1"));

        Assert.Equal(fixture.MultiArchAmd64.Id, id);
        var image = Assert.Single(await List(daemon));
        Assert.Equal([fixture.Ref($"test/multiarch@{fixture.MultiArchIndexDigest}")], image.RepoDigests);
        Assert.False(File.Exists(Path.Combine(LayerDirs(daemon).Single(), "arch")), "the arm64 layer must not be unpacked");
    }

    [RootFact]
    public async Task A_mirror_from_registries_conf_serves_the_image_under_its_original_name()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        await daemon.RestartWithRegistriesConfAsync($"""
            [[registry]]
            prefix = "registry.k8s.io"
            location = "registry.k8s.io"
            [[registry.mirror]]
            location = "{fixture.Registry.Host}"
            insecure = true
            """);

        var id = await Pull(daemon, "registry.k8s.io/e2e-test-images/busybox:1.29-2");

        Assert.Equal(fixture.Busybox.Id, id);
        var image = Assert.Single(await List(daemon));
        Assert.Equal(["registry.k8s.io/e2e-test-images/busybox:1.29-2"], image.RepoTags);
        Assert.Equal([$"registry.k8s.io/e2e-test-images/busybox@{fixture.Busybox.ManifestDigest}"], image.RepoDigests);
        Assert.Contains("/v2/e2e-test-images/busybox/manifests/1.29-2", fixture.Registry.Log);
    }

    [RootFact]
    public async Task A_mirror_that_fails_is_skipped_for_the_next_endpoint()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        await daemon.RestartWithRegistriesConfAsync($"""
            [[registry]]
            prefix = "example.test/mirrored"
            location = "{fixture.Registry.Host}/test"
            insecure = true
            [[registry.mirror]]
            location = "127.0.0.1:{TestRegistry.FreePort()}"
            [[registry.mirror]]
            location = "{fixture.Registry.Host}/nothing-here"
            """);

        Assert.Equal(fixture.Busybox.Id, await Pull(daemon, "example.test/mirrored/busybox:1"));
        Assert.Contains("failed", daemon.Log);
    }

    [RootFact]
    public async Task Bad_references_and_missing_images_get_clear_codes()
    {
        await using var daemon = await DaemonProcess.StartAsync();

        var invalid = await Assert.ThrowsAsync<RpcException>(() => Pull(daemon, "docker.io/library/BusyBox"));
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        var empty = await Assert.ThrowsAsync<RpcException>(() => Pull(daemon, ""));
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        var missing = await Assert.ThrowsAsync<RpcException>(() => Pull(daemon, fixture.Ref("test/busybox:nope")));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("nope", missing.Status.Detail);
        var unreachable = await Assert.ThrowsAsync<RpcException>(() => Pull(daemon, $"127.0.0.1:{TestRegistry.FreePort()}/x:1"));
        Assert.Equal(StatusCode.Unavailable, unreachable.StatusCode);
        Assert.Empty(await List(daemon));
    }

    [RootFact]
    public async Task Layers_are_unpacked_for_overlayfs_with_whiteouts_opaque_dirs_and_metadata()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var id = await Pull(daemon, fixture.Ref("test/layered:1"));
        var status = await Status(daemon, id, verbose: true);
        using var info = System.Text.Json.JsonDocument.Parse(status.Info["info"]);
        var dirs = info.RootElement.GetProperty("layerDirectories").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(3, dirs.Length);
        var (top, middle) = (dirs[0], dirs[1]);

        var whiteout = FileNodes.Status(Path.Combine(top, "etc/removed"));
        Assert.Equal((UnixFileKind.CharacterDevice, 0u, 0u), (whiteout.Kind, whiteout.RdevMajor, whiteout.RdevMinor));
        Assert.Equal("y"u8.ToArray(), FileNodes.GetXattr(Path.Combine(top, "data/old"), "trusted.overlay.opaque"));
        Assert.False(File.Exists(Path.Combine(top, "data/old/.wh..wh..opq")));

        var setuid = FileNodes.Status(Path.Combine(middle, "setuid"));
        Assert.Equal((1000, 1001), (setuid.Uid, setuid.Gid));
        Assert.Equal((UnixFileMode)0x9ED, setuid.Permissions);
        Assert.Equal(2UL, setuid.Links);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), setuid.Modified);
        Assert.Equal("hello"u8.ToArray(), FileNodes.GetXattr(Path.Combine(middle, "setuid"), "user.note"));
        var device = FileNodes.Status(Path.Combine(middle, "dev/null-copy"));
        Assert.Equal((UnixFileKind.CharacterDevice, 1u, 3u), (device.Kind, device.RdevMajor, device.RdevMinor));
        Assert.Equal(UnixFileKind.Fifo, FileNodes.Status(Path.Combine(middle, "pipe")).Kind);

        // The kernel's merged view is what Docker shows.
        var merged = Path.Combine(daemon.WorkDir, "merged");
        Directory.CreateDirectory(merged);
        await Shell.Run("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + string.Join(':', dirs), merged);
        try
        {
            Assert.False(File.Exists(Path.Combine(merged, "etc/removed")));
            Assert.Equal(["new"], Directory.GetFileSystemEntries(Path.Combine(merged, "data/old")).Select(Path.GetFileName));
            Assert.Equal("kept", await File.ReadAllTextAsync(Path.Combine(merged, "data/keep")));
            Assert.True(File.Exists(Path.Combine(merged, "bin/busybox")));
        }
        finally
        {
            await Shell.Run("umount", merged);
        }
    }

    [RootFact]
    public async Task Remove_untags_while_other_tags_remain_then_deletes_and_collects_layers()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var id = await Pull(daemon, fixture.Ref("test/busybox:1"));
        await Pull(daemon, fixture.Ref("test/busybox:also"));
        await Pull(daemon, fixture.Ref("test/layered:1"));
        Assert.Equal(3, LayerDirs(daemon).Length);

        await Remove(daemon, fixture.Ref("test/busybox:1"));
        var image = (await Status(daemon, id)).Image;
        Assert.Equal([fixture.Ref("test/busybox:also")], image.RepoTags);

        await Remove(daemon, fixture.Ref("test/busybox:also"));
        Assert.Null((await Status(daemon, id)).Image);
        // The busybox layer is the layered image's bottom layer: still used.
        Assert.Equal(3, LayerDirs(daemon).Length);

        await Remove(daemon, fixture.Ref("test/busybox:also"));
        await Remove(daemon, "sha256:" + new string('f', 64));
        await Remove(daemon, fixture.Ref("test/layered:1"));
        Assert.Empty(await List(daemon));
        Assert.Empty(LayerDirs(daemon));
        Assert.Empty(Directory.GetFiles(Path.Combine(daemon.Root, "blobs", "sha256")));
    }

    [RootFact]
    public async Task Remove_by_id_deletes_the_image_with_all_its_tags()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var id = await Pull(daemon, fixture.Ref("test/busybox:1"));
        await Pull(daemon, fixture.Ref("test/busybox:also"));

        await Remove(daemon, id[7..19]);

        Assert.Empty(await List(daemon));
        Assert.Empty(LayerDirs(daemon));
    }

    [RootFact]
    public async Task Images_survive_a_daemon_restart()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var id = await Pull(daemon, fixture.Ref("test/layered:1"));
        await Pull(daemon, fixture.Ref("test/busybox:uid"));

        await daemon.RestartAsync();
        var logBefore = daemon.Log.Length;

        Assert.Equal(2, (await List(daemon)).Count);
        var status = await Status(daemon, fixture.Ref("test/layered:1"));
        Assert.Equal(id, status.Image.Id);
        Assert.Equal(3, LayerDirs(daemon).Length);
        Assert.Equal(id, await Pull(daemon, fixture.Ref("test/layered:1")));
        Assert.DoesNotContain("unpacked layer", daemon.Log[logBefore..]);
    }

    [RootFact]
    public async Task Each_hostile_layer_is_refused_and_leaves_nothing_behind()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        foreach (var name in RegistryFixture.Hostile.Keys.Append("size"))
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => Pull(daemon, fixture.Ref($"hostile/{name}:1")));

            Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{name}: {error.Status}");
            Assert.Contains("refused", error.Status.Detail);
            Assert.Empty(LayerDirs(daemon));
            Assert.Empty(await List(daemon));
        }
        Assert.Empty(Directory.GetFiles("/tmp", "crishim-escape-*"));
        Assert.DoesNotContain("passwd", Directory.GetFileSystemEntries(daemon.Root, "*", SearchOption.AllDirectories).Select(Path.GetFileName));
    }

    [RootFact]
    public async Task Content_that_does_not_match_its_digest_or_size_is_data_loss_and_nothing_is_stored()
    {
        await using var daemon = await DaemonProcess.StartAsync();

        foreach (var reference in new[] { "bad/diffid:1", "bad/size:1" })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => Pull(daemon, fixture.Ref(reference)));
            Assert.True(error.StatusCode == StatusCode.DataLoss, $"{reference}: {error.Status}");
        }
        Assert.Empty(LayerDirs(daemon));
        Assert.Empty(await List(daemon));
    }

    [RootFact]
    public async Task Concurrent_pulls_of_the_same_image_unpack_each_layer_once()
    {
        await using var daemon = await DaemonProcess.StartAsync();

        var ids = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Pull(daemon, fixture.Ref("test/layered:1"))));

        Assert.All(ids, id => Assert.Equal(fixture.Layered.Id, id));
        Assert.Equal(3, daemon.Log.Split('\n').Count(line => line.Contains("unpacked layer")));
        Assert.Equal(3, LayerDirs(daemon).Length);
        Assert.Single(await List(daemon));
    }

    [RootFact]
    public async Task A_registry_that_goes_away_mid_pull_leaves_nothing_and_a_later_pull_succeeds()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        await using var proxy = new CuttingProxy(fixture.Registry.Port) { CutAfterBytes = 1 << 20 };
        var reference = $"{proxy.Host}/test/big:1";

        var error = await Assert.ThrowsAsync<RpcException>(() => Pull(daemon, reference));

        Assert.True(error.StatusCode == StatusCode.Unavailable, error.Status.ToString());
        Assert.Empty(LayerDirs(daemon));
        Assert.Empty(await List(daemon));

        proxy.CutAfterBytes = null;
        Assert.Equal(fixture.Big.Id, await Pull(daemon, reference));
        Assert.Single(LayerDirs(daemon));
        Assert.Equal(8 << 20, new FileInfo(Path.Combine(LayerDirs(daemon)[0], "random")).Length);
    }

    [RootFact]
    public async Task Leftovers_of_an_interrupted_pull_are_removed_at_start_up()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        await daemon.StopAsync();
        var leftover = Path.Combine(daemon.Root, "layers", ".tmp-0123456789ab-x");
        Directory.CreateDirectory(Path.Combine(leftover, "half"));

        await daemon.StartAsync();

        Assert.False(Directory.Exists(leftover));
    }

    [RootFact]
    public async Task Image_fs_info_reports_the_bytes_and_inodes_of_the_layers()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var before = (await daemon.Images.ImageFsInfoAsync(new ImageFsInfoRequest())).ImageFilesystems.Single();

        await Pull(daemon, fixture.Ref("test/busybox:1"));
        var after = (await daemon.Images.ImageFsInfoAsync(new ImageFsInfoRequest())).ImageFilesystems.Single();

        Assert.Equal(Path.Combine(daemon.Root, "layers"), after.FsId.Mountpoint);
        Assert.True(after.UsedBytes.Value >= before.UsedBytes.Value + (ulong)new FileInfo(TestImages.BusyboxPath).Length);
        Assert.True(after.InodesUsed.Value >= before.InodesUsed.Value + (ulong)TestImages.AppletNames().Length);
        Assert.InRange(after.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds() * 1_000_000L,
            DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds() * 1_000_000L);
    }

    [RootFact]
    public async Task Pulls_send_basic_credentials_only_where_they_belong()
    {
        await using var daemon = await DaemonProcess.StartAsync();

        var id = await Pull(daemon, fixture.Ref("test/busybox:1"), new AuthConfig { Username = "u", Password = "p" });

        Assert.Equal(fixture.Busybox.Id, id);
    }
}
