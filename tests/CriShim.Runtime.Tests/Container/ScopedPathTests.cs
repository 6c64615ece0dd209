using CriShim.Runtime.Container;

namespace CriShim.Runtime.Tests.Container;

public sealed class ScopedPathTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Root => _dir.Combine("root");

    public ScopedPathTests() => Directory.CreateDirectory(Root);

    [Fact]
    public void Absolute_and_dotdot_symlinks_stay_inside_the_root()
    {
        Directory.CreateDirectory(Path.Combine(Root, "etc"));
        File.CreateSymbolicLink(Path.Combine(Root, "abs"), "/etc");
        File.CreateSymbolicLink(Path.Combine(Root, "up"), "../../../../etc");

        Assert.Equal(Path.Combine(Root, "etc"), ScopedPath.Resolve(Root, "/abs", createMissing: false));
        Assert.Equal(Path.Combine(Root, "etc"), ScopedPath.Resolve(Root, "/up", createMissing: false));
        Assert.Equal(Path.Combine(Root, "etc"), ScopedPath.Resolve(Root, "/../../etc", createMissing: false));
    }

    [Fact]
    public void Missing_directories_are_created_under_the_resolved_parent()
    {
        Directory.CreateDirectory(Path.Combine(Root, "real"));
        File.CreateSymbolicLink(Path.Combine(Root, "link"), "/real");

        var resolved = ScopedPath.Resolve(Root, "/link/a/b", createMissing: true);

        Assert.Equal(Path.Combine(Root, "real/a/b"), resolved);
        Assert.True(Directory.Exists(resolved));
        Assert.False(Directory.Exists(_dir.Combine("real")));
    }

    [Fact]
    public void A_dangling_escape_creates_nothing_outside()
    {
        File.CreateSymbolicLink(Path.Combine(Root, "out"), "../outside/x");

        var resolved = ScopedPath.Resolve(Root, "/out", createMissing: true);

        Assert.Equal(Path.Combine(Root, "outside/x"), resolved);
        Assert.False(Directory.Exists(_dir.Combine("outside")));
    }

    [Fact]
    public void Missing_path_without_create_is_null_and_symlink_loops_are_refused()
    {
        Assert.Null(ScopedPath.Resolve(Root, "/nope/x", createMissing: false));
        File.CreateSymbolicLink(Path.Combine(Root, "loop"), "/loop");
        Assert.Throws<Errors.InvalidArgumentException>(() => ScopedPath.Resolve(Root, "/loop", createMissing: false));
    }

    [Fact]
    public void Host_root_resolution_follows_symlinks_like_realpath()
    {
        Directory.CreateDirectory(_dir.Combine("target"));
        File.CreateSymbolicLink(_dir.Combine("alias"), _dir.Combine("target"));

        Assert.Equal(_dir.Combine("target"), ScopedPath.Resolve("/", _dir.Combine("alias"), createMissing: false));
    }

    public void Dispose() => _dir.Dispose();
}
