namespace CriShim.NativeTests.Streaming;

/// <summary>Polling for things another process does in its own time.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> done, string what, int seconds = 15) =>
        await RepeatUntilAsync(() => Task.CompletedTask, done, what, seconds);

    /// <summary>Does <paramref name="act"/> every 100 ms until <paramref name="done"/>.</summary>
    public static async Task RepeatUntilAsync(Func<Task> act, Func<bool> done, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {what} within {seconds} s");
            await act();
            await Task.Delay(100);
        }
    }
}
