using CriShim.Bench.Host;

namespace CriShim.Bench.Images;

/// <summary>References of the images every benchmark uses, all in the local registry.</summary>
public sealed record BenchImageSet(string Busybox, string MultiLayer, string MultiLayerDescription, string Pause);

/// <summary>
/// Builds the bench images from this machine's files, so nothing is downloaded: busybox (Debian's
/// busybox-static and a symlink per applet), a multi-layer image for the cold-pull benchmark, and
/// containerd's sandbox image: a static C pause built here, as the pause containerd runs on nodes is.
/// </summary>
public static class BenchImages
{
    private const string BusyboxBinary = "/bin/busybox";
    private const int BulkFiles = 16;
    private const int BulkFileBytes = 1024 * 1024;
    private const int SmallFiles = 500;

    public static async Task<BenchImageSet> BuildAndPushAsync(LocalRegistry registry, string pauseSource, string workDir)
    {
        var busyboxLayer = await BusyboxLayerAsync();
        var busybox = new OciImage([busyboxLayer], entrypoint: null, cmd: ["sh"]);
        var multiLayer = new OciImage([busyboxLayer, BulkLayer(), SmallFilesLayer()], entrypoint: null, cmd: ["sh"]);
        var pause = new OciImage([await PauseLayerAsync(pauseSource, workDir)], entrypoint: ["/pause"], cmd: []);
        var description = $"{multiLayer.LayerCount} layers, {multiLayer.CompressedSize / (1024.0 * 1024):0.0} MiB compressed: "
            + $"busybox, {BulkFiles} x 1 MiB random files, {SmallFiles} small files";
        return new BenchImageSet(
            await busybox.PushAsync(registry, "bench/busybox", "1"),
            await multiLayer.PushAsync(registry, "bench/multilayer", "1"),
            description,
            await pause.PushAsync(registry, "bench/pause", "1"));
    }

    /// <summary>/bin/busybox, /bin/&lt;applet&gt; symlinks, /etc/passwd and group, /tmp.</summary>
    private static async Task<byte[]> BusyboxLayerAsync()
    {
        var applets = (await HostCommand.RunAsync(BusyboxBinary, "--list"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var tar = new LayerTar();
        foreach (var dir in new[] { "bin", "etc", "root", "tmp", "usr", "var", "proc", "sys", "dev" })
        {
            tar.Directory(dir, dir == "tmp" ? (UnixFileMode)0x3FF : (UnixFileMode)0x1ED);
        }
        tar.File("bin/busybox", await File.ReadAllBytesAsync(BusyboxBinary), (UnixFileMode)0x1ED);
        foreach (var applet in applets.Where(a => a != "busybox"))
        {
            tar.Symlink("bin/" + applet, "busybox");
        }
        tar.File("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        tar.File("etc/group", "root:x:0:\nnogroup:x:65534:\n");
        return tar.ToArray();
    }

    /// <summary>Incompressible data, seeded so every run pulls the same bytes.</summary>
    private static byte[] BulkLayer()
    {
        var random = new Random(42);
        using var tar = new LayerTar();
        tar.Directory("data");
        for (var i = 0; i < BulkFiles; i++)
        {
            var content = new byte[BulkFileBytes];
            random.NextBytes(content);
            tar.File($"data/blob{i:00}", content, (UnixFileMode)0x1A4);
        }
        return tar.ToArray();
    }

    /// <summary>Many small files: the per-entry cost of unpacking.</summary>
    private static byte[] SmallFilesLayer()
    {
        using var tar = new LayerTar();
        tar.Directory("etc");
        tar.Directory("etc/bench");
        for (var i = 0; i < SmallFiles; i++)
        {
            tar.File($"etc/bench/file{i:000}.conf", $"# bench file {i}\nkey{i} = {new string('x', i % 200)}\n");
        }
        return tar.ToArray();
    }

    /// <summary>The C pause (bench/pause/pause.c) linked statically with <c>gcc -static</c>, alone at <c>/pause</c>.</summary>
    private static async Task<byte[]> PauseLayerAsync(string source, string workDir)
    {
        var binary = Path.Combine(workDir, "pause");
        await HostCommand.RunAsync("gcc", "-static", "-O2", "-o", binary, source);
        using var tar = new LayerTar();
        foreach (var dir in new[] { "proc", "sys", "dev", "etc", "tmp" })
        {
            tar.Directory(dir);
        }
        tar.File("pause", await File.ReadAllBytesAsync(binary), (UnixFileMode)0x1ED);
        return tar.ToArray();
    }
}
