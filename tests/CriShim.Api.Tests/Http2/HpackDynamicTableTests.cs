using CriShim.Api.Http2;
using Xunit;

namespace CriShim.Api.Tests.Http2;

public sealed class HpackDynamicTableTests
{
    [Fact]
    public void AddingEvictsTheOldestEntriesUntilTheNewOneFits()
    {
        // Each entry is 1 + 1 + 32 = 34 octets; three do not fit in 100.
        var table = new HpackDynamicTable(100);
        table.Add(new("a", "1"));
        table.Add(new("b", "2"));

        table.Add(new("c", "3"));

        Assert.Equal(2, table.Count);
        Assert.Equal(new HeaderField("c", "3"), table[0]);
        Assert.Equal(new HeaderField("b", "2"), table[1]);
        Assert.Equal(68, table.Size);
    }

    [Fact]
    public void EntryLargerThanTheTableEmptiesIt()
    {
        var table = new HpackDynamicTable(100);
        table.Add(new("a", "1"));

        table.Add(new("big", new string('x', 100)));

        Assert.Equal(0, table.Count);
        Assert.Equal(0, table.Size);
    }

    [Fact]
    public void ShrinkingEvictsAndGrowingKeepsEntries()
    {
        var table = new HpackDynamicTable(100);
        table.Add(new("a", "1"));
        table.Add(new("b", "2"));

        table.Resize(40);
        table.Resize(4096);

        Assert.Equal(1, table.Count);
        Assert.Equal(new HeaderField("b", "2"), table[0]);
        Assert.Equal(4096, table.MaxSize);
    }

    [Fact]
    public void NeverIndexedMarkIsNotStored()
    {
        var table = new HpackDynamicTable(100);

        table.Add(new("a", "1", NeverIndexed: true));

        Assert.False(table[0].NeverIndexed);
    }
}
