using CriShim.Runtime.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace CriShim.Runtime.Tests.Store;

public sealed class RecordStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();


    [Fact]
    public void Saved_records_load_back_equal()
    {
        var store = new RecordStore<Sample>(_dir.Path, 1, StoreTestJsonContext.Default.Sample, NullLogger.Instance);
        store.Save("a", new Sample("a", "first", [1, 2]));
        store.Save("b", new Sample("b", "second", []));

        var loaded = new RecordStore<Sample>(_dir.Path, 1, StoreTestJsonContext.Default.Sample, NullLogger.Instance).LoadAll();

        Assert.Equal(["a", "b"], loaded.Select(r => r.Id));
        Assert.Equal([1, 2], loaded[0].Numbers);
        Assert.Equal("second", loaded[1].Name);
    }

    [Fact]
    public void Saving_again_replaces_the_record_and_leaves_no_temporary_file()
    {
        var store = new RecordStore<Sample>(_dir.Path, 1, StoreTestJsonContext.Default.Sample, NullLogger.Instance);
        store.Save("a", new Sample("a", "old", []));
        store.Save("a", new Sample("a", "new", []));

        Assert.Equal("new", Assert.Single(store.LoadAll()).Name);
        Assert.Equal(["a.json"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_torn_temporary_file_is_ignored_and_removed()
    {
        var store = new RecordStore<Sample>(_dir.Path, 1, StoreTestJsonContext.Default.Sample, NullLogger.Instance);
        store.Save("a", new Sample("a", "kept", []));
        File.WriteAllText(_dir.Combine("a.json.42.0123.tmp"), "{\"schemaVersion\":1,\"rec");

        var loaded = store.LoadAll();

        Assert.Equal("kept", Assert.Single(loaded).Name);
        Assert.False(File.Exists(_dir.Combine("a.json.42.0123.tmp")));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"schemaVersion\":99,\"record\":{\"id\":\"c\",\"name\":\"x\",\"numbers\":[]}}")]
    [InlineData("{\"record\":{\"id\":\"c\"}}")]
    [InlineData("{\"schemaVersion\":1,\"record\":null}")]
    public void An_unreadable_record_is_quarantined_and_the_rest_load(string content)
    {
        var store = new RecordStore<Sample>(_dir.Path, 1, StoreTestJsonContext.Default.Sample, NullLogger.Instance);
        store.Save("a", new Sample("a", "good", []));
        File.WriteAllText(_dir.Combine("c.json"), content);

        var loaded = store.LoadAll();

        Assert.Equal("a", Assert.Single(loaded).Id);
        Assert.False(File.Exists(_dir.Combine("c.json")));
        Assert.StartsWith("c.json.", Path.GetFileName(Assert.Single(Directory.GetFiles(_dir.Combine("quarantine")))));
    }

    [Fact]
    public void Deleting_removes_the_file_and_an_unknown_id_is_fine()
    {
        var store = new RecordStore<Sample>(_dir.Path, 1, StoreTestJsonContext.Default.Sample, NullLogger.Instance);
        store.Save("a", new Sample("a", "x", []));

        store.Delete("a");
        store.Delete("never-existed");

        Assert.Empty(store.LoadAll());
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData(".hidden")]
    public void Ids_that_are_not_plain_file_names_are_rejected(string id)
    {
        var store = new RecordStore<Sample>(_dir.Path, 1, StoreTestJsonContext.Default.Sample, NullLogger.Instance);

        Assert.Throws<ArgumentException>(() => store.Save(id, new Sample(id, "x", [])));
    }

    public void Dispose() => _dir.Dispose();
}
