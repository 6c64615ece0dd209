using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Store;

/// <summary>
/// Undo steps pushed right after each acquisition; on dispose without <see cref="Commit"/> they run
/// last-in first-out. A failing step is logged and the rest still run; <see cref="Failed"/> tells the
/// caller that something may have been left behind.
/// </summary>
public sealed class CleanupStack(ILogger log) : IAsyncDisposable
{
    private readonly Stack<(string Description, Func<Task> Undo)> _steps = new();
    private bool _committed;

    public bool Failed { get; private set; }

    public void Push(string description, Action undo) => _steps.Push((description, () =>
    {
        undo();
        return Task.CompletedTask;
    }));

    public void Push(string description, Func<Task> undo) => _steps.Push((description, undo));

    public void Commit() => _committed = true;

    public async ValueTask DisposeAsync()
    {
        if (_committed)
        {
            return;
        }
        while (_steps.TryPop(out var step))
        {
            try
            {
                await step.Undo();
            }
            catch (Exception e)
            {
                Failed = true;
                log.LogError(e, "undo step '{Step}' failed", step.Description);
            }
        }
    }
}
