using System.Formats.Tar;
using System.Text;
using CriShim.Native;
using CriShim.Runtime.Image;
using TarEntryType = System.Formats.Tar.TarEntryType;

namespace CriShim.Runtime.Tests.Image;

/// <summary>The unpacker against hand-built tar streams, owned by the current user so no root is needed.</summary>
public sealed class LayerUnpackerTests : IDisposable
{
    private static readonly int Uid = (int)(uint)Tmds.Linux.LibC.geteuid();
    private static readonly int Gid = (int)(uint)Tmds.Linux.LibC.getegid();
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Layer => _dir.Combine("layer");

    [Fact]
    public void Unpacks_files_directories_links_with_modes_and_times()
    {
        var mtime = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var tar = Tar(
            Dir("etc", mtime: mtime),
            File("etc/hosts", "127.0.0.1 localhost\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead, mtime),
            File("bin/tool", "#!/bin/sh\n", UnixFileMode.SetUser | UnixFileMode.UserExecute | UnixFileMode.UserRead | UnixFileMode.UserWrite),
            Symlink("bin/sh", "/bin/busybox"),
            HardLink("bin/tool2", "bin/tool"),
            Fifo("run/pipe"));

        var result = Unpack(tar);

        Assert.Equal(6, result.Entries);
        Assert.Equal("127.0.0.1 localhost\n", System.IO.File.ReadAllText(Path.Combine(Layer, "etc/hosts")));
        Assert.Equal(mtime, System.IO.File.GetLastWriteTimeUtc(Path.Combine(Layer, "etc/hosts")));
        Assert.Equal(mtime, Directory.GetLastWriteTimeUtc(Path.Combine(Layer, "etc")));
        var tool = FileNodes.Status(Path.Combine(Layer, "bin/tool"));
        Assert.True(tool.Permissions.HasFlag(UnixFileMode.SetUser));
        Assert.Equal(2UL, tool.Links);
        Assert.Equal(tool.Inode, FileNodes.Status(Path.Combine(Layer, "bin/tool2")).Inode);
        Assert.Equal("/bin/busybox", new FileInfo(Path.Combine(Layer, "bin/sh")).LinkTarget);
        Assert.Equal(UnixFileKind.Fifo, FileNodes.Status(Path.Combine(Layer, "run/pipe")).Kind);
        Assert.Equal(UnixFileKind.Directory, FileNodes.Status(Path.Combine(Layer, "bin")).Kind);
    }

    [Fact]
    public void A_later_entry_replaces_an_earlier_one()
    {
        var tar = Tar(File("a/x", "first"), File("a/x", "second"), Dir("b"), File("b", "now a file"));

        Unpack(tar);

        Assert.Equal("second", System.IO.File.ReadAllText(Path.Combine(Layer, "a/x")));
        Assert.Equal("now a file", System.IO.File.ReadAllText(Path.Combine(Layer, "b")));
    }

    [Fact]
    public void Keeps_user_xattrs_byte_for_byte()
    {
        var binary = new byte[] { 0x01, 0x00, 0x00, 0x02, 0xff, 0xfe, 0x80 };
        var tar = RawTar(PaxEntry("data", Encoding.ASCII.GetBytes("hi"), ("SCHILY.xattr.user.blob", binary)));

        Unpack(tar);

        Assert.Equal(binary, FileNodes.GetXattr(Path.Combine(Layer, "data"), "user.blob"));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("/etc/passwd")]
    public void Refuses_entries_outside_the_layer(string name)
    {
        var error = Assert.Throws<LayerRejectedException>(() => Unpack(Tar(File(name, "x"))));
        Assert.Contains(name, error.Message);
        Assert.False(System.IO.File.Exists(_dir.Combine("escape")));
    }

    [Fact]
    public void Refuses_to_write_through_a_symlink_pointing_outside()
    {
        var outside = _dir.Combine("outside");
        Directory.CreateDirectory(outside);

        var error = Assert.Throws<LayerRejectedException>(() => Unpack(Tar(Symlink("link", outside), File("link/owned", "x"))));

        Assert.Contains("symlink 'link'", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(outside));
    }

    [Fact]
    public void Refuses_to_write_through_a_relative_symlink_either()
    {
        Directory.CreateDirectory(_dir.Combine("outside"));

        Assert.Throws<LayerRejectedException>(() => Unpack(Tar(Symlink("up", "../outside"), Dir("up/sub"))));
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Combine("outside")));
    }

    [Fact]
    public void A_file_over_an_existing_symlink_replaces_the_link_not_its_target()
    {
        var outside = _dir.Combine("victim");
        System.IO.File.WriteAllText(outside, "untouched");

        Unpack(Tar(Symlink("f", outside), File("f", "inside")));

        Assert.Equal("untouched", System.IO.File.ReadAllText(outside));
        Assert.Equal("inside", System.IO.File.ReadAllText(Path.Combine(Layer, "f")));
    }

    [Theory]
    [InlineData("../victim")]
    [InlineData("/etc/passwd")]
    [InlineData("missing")]
    public void Refuses_hard_links_to_anything_not_in_the_layer(string target)
    {
        System.IO.File.WriteAllText(_dir.Combine("victim"), "secret");

        Assert.Throws<LayerRejectedException>(() => Unpack(Tar(HardLink("x", target))));

        Assert.Equal(1UL, FileNodes.Status(_dir.Combine("victim")).Links);
    }

    [Fact]
    public void Refuses_hard_links_through_a_symlinked_directory()
    {
        System.IO.File.WriteAllText(_dir.Combine("victim"), "secret");

        Assert.Throws<LayerRejectedException>(() => Unpack(Tar(Symlink("up", ".."), HardLink("x", "up/victim"))));

        Assert.Equal(1UL, FileNodes.Status(_dir.Combine("victim")).Links);
    }

    [Fact]
    public void Refuses_an_absurd_file_size_before_reading_it()
    {
        var header = UstarHeader("huge", '0', size: 1L << 50);

        var error = Assert.Throws<LayerRejectedException>(() => Unpack(new MemoryStream([.. header, .. new byte[1024]])));

        Assert.Contains("claims", error.Message);
        Assert.False(System.IO.File.Exists(Path.Combine(Layer, "huge")));
    }

    [Fact]
    public void Refuses_more_data_than_the_layer_limit()
    {
        var limits = new UnpackLimits { MaxLayerBytes = 10 };
        Directory.CreateDirectory(Layer);
        Assert.Throws<LayerRejectedException>(() =>
            new LayerUnpacker(limits).Unpack(Tar(File("a", "123456"), File("b", "123456")), Layer));
    }

    [Fact]
    public void Refuses_forged_overlay_xattrs()
    {
        var tar = RawTar(PaxEntry("d", [], ("SCHILY.xattr.trusted.overlay.redirect", "/etc"u8.ToArray())));
        Assert.Throws<LayerRejectedException>(() => Unpack(tar));
    }

    [Fact]
    public void Refuses_garbage_and_truncated_archives()
    {
        Assert.Throws<LayerRejectedException>(() => Unpack(new MemoryStream(Enumerable.Repeat((byte)'x', 512).ToArray())));
        var tar = Tar(File("a", new string('x', 2000))).ToArray();
        Assert.Throws<LayerRejectedException>(() => Unpack(new MemoryStream(tar[..1000])));
    }

    [Fact]
    public void Reads_long_names_and_base256_numbers()
    {
        var longName = string.Join('/', Enumerable.Repeat("directory-name", 20)) + "/file";
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Gnu, leaveOpen: true))
        {
            writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, longName) { Uid = Uid, Gid = Gid, DataStream = new MemoryStream("x"u8.ToArray()) });
        }
        tar.Position = 0;

        Unpack(tar);

        Assert.True(System.IO.File.Exists(Path.Combine(Layer, longName)));
    }

    private UnpackResult Unpack(Stream tar)
    {
        Directory.CreateDirectory(Layer);
        return new LayerUnpacker(UnpackLimits.Default).Unpack(tar, Layer);
    }

    private static MemoryStream Tar(params TarEntry[] entries)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }
        stream.Position = 0;
        return stream;
    }

    private static PaxTarEntry Dir(string name, DateTimeOffset? mtime = null) => Owned(new PaxTarEntry(TarEntryType.Directory, name)
    {
        Mode = (UnixFileMode)0x1ED,
        ModificationTime = mtime ?? DateTimeOffset.UnixEpoch.AddYears(40),
    });

    private static PaxTarEntry File(string name, string content, UnixFileMode mode = (UnixFileMode)0x1A4, DateTimeOffset? mtime = null) =>
        Owned(new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = mode,
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
            ModificationTime = mtime ?? DateTimeOffset.UnixEpoch.AddYears(40),
        });

    private static PaxTarEntry Symlink(string name, string target) => Owned(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target });

    private static PaxTarEntry HardLink(string name, string target) => Owned(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target });

    private static PaxTarEntry Fifo(string name) => Owned(new PaxTarEntry(TarEntryType.Fifo, name) { Mode = (UnixFileMode)0x180 });

    private static PaxTarEntry Owned(PaxTarEntry entry)
    {
        entry.Uid = Uid;
        entry.Gid = Gid;
        return entry;
    }

    /// <summary>A PAX header with raw (binary) record values, then a ustar regular file: what Go's archive/tar writes for xattrs.</summary>
    private static byte[] PaxEntry(string name, byte[] content, params (string Key, byte[] Value)[] records)
    {
        var pax = new List<byte>();
        foreach (var (key, value) in records)
        {
            var body = Encoding.UTF8.GetBytes($" {key}=").Concat(value).Append((byte)'\n').ToArray();
            var length = body.Length + body.Length.ToString().Length;
            length = body.Length + length.ToString().Length;
            pax.AddRange(Encoding.ASCII.GetBytes(length.ToString()).Concat(body));
        }
        return [.. UstarHeader("PaxHeaders/" + name, 'x', pax.Count), .. Padded(pax.ToArray()),
            .. UstarHeader(name, content.Length == 0 ? '5' : '0', content.Length), .. Padded(content)];
    }

    private static MemoryStream RawTar(params byte[][] parts) => new([.. parts.SelectMany(p => p), .. new byte[1024]]);

    private static byte[] Padded(byte[] data) => [.. data, .. new byte[(512 - data.Length % 512) % 512]];

    private static byte[] UstarHeader(string name, char type, long size)
    {
        var header = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(header, 0);
        Octal(header, 100, 8, 0x1ED);
        Octal(header, 108, 8, Uid);
        Octal(header, 116, 8, Gid);
        if (size >= 1L << 33)
        {
            header[124] = 0x80;
            BitConverter.GetBytes(size).Reverse().ToArray().CopyTo(header, 124 + 4);
        }
        else
        {
            Octal(header, 124, 12, size);
        }
        Octal(header, 136, 12, 1_600_000_000);
        header[156] = (byte)type;
        "ustar\0"u8.ToArray().CopyTo(header, 257);
        "00"u8.ToArray().CopyTo(header, 263);
        for (var i = 148; i < 156; i++)
        {
            header[i] = (byte)' ';
        }
        Octal(header, 148, 7, header.Sum(b => (long)b));
        return header;
    }

    private static void Octal(byte[] header, int offset, int length, long value) =>
        Encoding.ASCII.GetBytes(Convert.ToString(value, 8).PadLeft(length - 1, '0')).CopyTo(header, offset);
}
