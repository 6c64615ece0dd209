using CriShim.Runtime.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace CriShim.Runtime.Tests.Store;

public sealed class CleanupStackTests
{
    [Fact]
    public async Task Undo_steps_run_last_in_first_out_and_a_failing_one_does_not_stop_the_rest()
    {
        var ran = new List<string>();
        var undo = new CleanupStack(NullLogger.Instance);
        undo.Push("first", () => ran.Add("first"));
        undo.Push("failing", () => throw new IOException("boom"));
        undo.Push("third", () =>
        {
            ran.Add("third");
            return Task.CompletedTask;
        });

        await undo.DisposeAsync();

        Assert.Equal(["third", "first"], ran);
        Assert.True(undo.Failed);
    }

    [Fact]
    public async Task Committed_steps_do_not_run()
    {
        var ran = false;
        var undo = new CleanupStack(NullLogger.Instance);
        undo.Push("step", () => ran = true);
        undo.Commit();

        await undo.DisposeAsync();

        Assert.False(ran);
    }
}
