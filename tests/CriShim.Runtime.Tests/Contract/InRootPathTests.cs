using CriShim.Contract;
using CriShim.Native;

namespace CriShim.Runtime.Tests.Contract;

public sealed class InRootPathTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Root => _dir.Combine("root");

    public InRootPathTests() => Directory.CreateDirectory(Root);

    [Fact]
    public void Absolute_and_dotdot_symlinks_stay_inside_the_root()
    {
        Directory.CreateDirectory(Path.Combine(Root, "etc"));
        File.CreateSymbolicLink(Path.Combine(Root, "abs"), "/etc");
        File.CreateSymbolicLink(Path.Combine(Root, "up"), "../../../../etc");

        foreach (var missing in Enum.GetValues<InRootPath.Missing>())
        {
            Assert.Equal(Path.Combine(Root, "etc"), InRootPath.Resolve(Root, "/abs", missing));
            Assert.Equal(Path.Combine(Root, "etc"), InRootPath.Resolve(Root, "/up", missing));
            Assert.Equal(Path.Combine(Root, "etc"), InRootPath.Resolve(Root, "/../../etc", missing));
        }
    }

    [Fact]
    public void Missing_directories_are_created_under_the_resolved_parent()
    {
        Directory.CreateDirectory(Path.Combine(Root, "real"));
        File.CreateSymbolicLink(Path.Combine(Root, "link"), "/real");

        var resolved = InRootPath.Resolve(Root, "/link/a/b", InRootPath.Missing.CreateDirectories);

        Assert.Equal(Path.Combine(Root, "real/a/b"), resolved);
        Assert.True(Directory.Exists(resolved));
        Assert.False(Directory.Exists(_dir.Combine("real")));
    }

    [Fact]
    public void Create_parents_names_the_missing_last_component_without_creating_it()
    {
        File.CreateSymbolicLink(Path.Combine(Root, "dev"), "../../devices");

        var resolved = InRootPath.Resolve(Root, "/dev/sub/fuse", InRootPath.Missing.CreateParents);

        Assert.Equal(Path.Combine(Root, "devices/sub/fuse"), resolved);
        Assert.True(Directory.Exists(Path.Combine(Root, "devices/sub")));
        Assert.False(Path.Exists(resolved));
    }

    [Fact]
    public void A_dangling_escape_creates_nothing_outside()
    {
        File.CreateSymbolicLink(Path.Combine(Root, "out"), "../outside/x");

        var resolved = InRootPath.Resolve(Root, "/out", InRootPath.Missing.CreateDirectories);

        Assert.Equal(Path.Combine(Root, "outside/x"), resolved);
        Assert.False(Directory.Exists(_dir.Combine("outside")));
    }

    [Fact]
    public void Missing_path_without_create_is_null_and_symlink_loops_are_refused()
    {
        Assert.Null(InRootPath.Resolve(Root, "/nope/x", InRootPath.Missing.Null));
        File.CreateSymbolicLink(Path.Combine(Root, "loop"), "/loop");
        Assert.Equal(Tmds.Linux.LibC.ELOOP, Assert.Throws<ErrnoException>(() => InRootPath.Resolve(Root, "/loop", InRootPath.Missing.Null)).Errno);
        Assert.Equal(Tmds.Linux.LibC.ELOOP, Assert.Throws<ErrnoException>(() => InRootPath.Resolve(Root, "/loop", InRootPath.Missing.CreateDirectories)).Errno);
    }

    [Fact]
    public void The_descriptor_walk_resolves_like_openat2()
    {
        Directory.CreateDirectory(Path.Combine(Root, "etc/ssl"));
        File.WriteAllText(Path.Combine(Root, "etc/ssl/cert"), "x");
        File.CreateSymbolicLink(Path.Combine(Root, "abs"), "/etc");
        File.CreateSymbolicLink(Path.Combine(Root, "etc/rel"), "../abs/ssl/../ssl/cert");
        using var root = ResolvedPaths.OpenHost(Root);

        foreach (var path in new[] { "/abs/rel", "abs/ssl/cert", "/../../abs/./ssl/cert" })
        {
            using var kernel = InRootPath.Open(root, path);
            using var walked = InRootPath.Walk(root, path, InRootPath.Missing.Null, out _);
            Assert.Equal(Path.Combine(Root, "etc/ssl/cert"), InRootPath.HostPathOf(kernel!));
            Assert.Equal(Path.Combine(Root, "etc/ssl/cert"), InRootPath.HostPathOf(walked!));
        }
    }

    [Fact]
    public void A_file_in_the_middle_is_not_a_directory()
    {
        File.WriteAllText(Path.Combine(Root, "file"), "x");

        Assert.Equal(Tmds.Linux.LibC.ENOTDIR, Assert.Throws<ErrnoException>(() => InRootPath.Resolve(Root, "/file/x", InRootPath.Missing.CreateDirectories)).Errno);
        using var root = ResolvedPaths.OpenHost(Root);
        Assert.Equal(Tmds.Linux.LibC.ENOTDIR, Assert.Throws<ErrnoException>(() => InRootPath.OpenOrCreateDirectory(root, "/file")).Errno);
    }

    [Fact]
    public void Host_root_resolution_follows_symlinks_like_realpath()
    {
        Directory.CreateDirectory(_dir.Combine("target"));
        File.CreateSymbolicLink(_dir.Combine("alias"), _dir.Combine("target"));

        Assert.Equal(_dir.Combine("target"), InRootPath.Resolve("/", _dir.Combine("alias"), InRootPath.Missing.Null));
    }

    public void Dispose() => _dir.Dispose();
}
