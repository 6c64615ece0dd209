using CriShim.Runtime.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace CriShim.Runtime.Tests.Store;

public sealed class PersistentMapTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private PersistentMap<Item> Open() => new(_dir.Path, 1, StoreTestJsonContext.Default.Item, i => i.Id, NullLogger.Instance);

    [Fact]
    public void Changes_are_on_disk_before_they_are_visible()
    {
        var map = Open();
        Assert.True(map.TryAdd(new Item("x", 1)));
        Assert.False(map.TryAdd(new Item("x", 2)));
        Assert.Equal(5, map.Update("x", i => i with { Value = 5 })!.Value);
        Assert.Null(map.Update("missing", i => i));

        var reopened = Open();

        Assert.Equal(5, reopened.Find("x")!.Value);
    }

    [Fact]
    public void Removed_records_stay_removed_after_reload()
    {
        var map = Open();
        map.Put(new Item("x", 1));
        map.Put(new Item("y", 2));

        Assert.True(map.Remove("x"));
        Assert.False(map.Remove("x"));

        Assert.Equal(["y"], Open().All.Select(i => i.Id));
    }

    public void Dispose() => _dir.Dispose();
}
