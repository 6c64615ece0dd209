using System.Formats.Tar;
using CriShim.Runtime.Container.Checkpoint;
using CriShim.Runtime.Image;
using TarEntryType = System.Formats.Tar.TarEntryType;

namespace CriShim.Runtime.Tests.Container.Checkpoint;

public sealed class CheckpointArchiveTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_archive_holds_the_directory_and_nothing_else_is_left_beside_it()
    {
        var source = Directory.CreateDirectory(_dir.Combine("work")).FullName;
        Directory.CreateDirectory(Path.Combine(source, "checkpoint"));
        File.WriteAllText(Path.Combine(source, "checkpoint", "pages-1.img"), "pages");
        File.WriteAllText(Path.Combine(source, "config.dump"), "{}");
        var output = Directory.CreateDirectory(_dir.Combine("out")).FullName;
        var location = Path.Combine(output, "checkpoint.tar");

        CheckpointArchive.Write(source, location);
        var extracted = Directory.CreateDirectory(_dir.Combine("extracted")).FullName;
        CheckpointArchive.Extract(location, extracted);

        Assert.Equal(["checkpoint.tar"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
        Assert.Equal("pages", File.ReadAllText(Path.Combine(extracted, "checkpoint", "pages-1.img")));
        Assert.Equal("{}", File.ReadAllText(Path.Combine(extracted, "config.dump")));
    }

    [Theory]
    [InlineData("../escape", TarEntryType.RegularFile)]
    [InlineData("link", TarEntryType.SymbolicLink)]
    public void Extract_refuses_entries_that_could_lead_out(string name, TarEntryType type)
    {
        var location = _dir.Combine("bad.tar");
        using (var file = File.Create(location))
        using (var writer = new TarWriter(file, TarEntryFormat.Pax))
        {
            var entry = new PaxTarEntry(type, name);
            if (type == TarEntryType.SymbolicLink)
            {
                entry.LinkName = "/etc";
            }
            writer.WriteEntry(entry);
        }
        var target = Directory.CreateDirectory(_dir.Combine("target")).FullName;

        Assert.Throws<InvalidDataException>(() => CheckpointArchive.Extract(location, target));
        Assert.False(File.Exists(_dir.Combine("escape")));
    }

    [Fact]
    public void The_rootfs_diff_is_a_layer_the_unpacker_turns_back_into_the_writable_layer()
    {
        var upper = Directory.CreateDirectory(_dir.Combine("upper")).FullName;
        Directory.CreateDirectory(Path.Combine(upper, "var", "data"));
        File.WriteAllText(Path.Combine(upper, "var", "data", "count"), "41");
        File.CreateSymbolicLink(Path.Combine(upper, "var", "link"), "/etc/shadow");
        using var diff = new MemoryStream();

        RootfsDiff.Write(upper, diff);
        diff.Position = 0;
        var layer = Directory.CreateDirectory(_dir.Combine("layer")).FullName;
        new LayerUnpacker(UnpackLimits.Default).Unpack(diff, layer);

        Assert.Equal("41", File.ReadAllText(Path.Combine(layer, "var", "data", "count")));
        Assert.Equal("/etc/shadow", new FileInfo(Path.Combine(layer, "var", "link")).LinkTarget);
    }
}
