using CriShim.Runtime.Daemon;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Tests.Daemon;

public sealed class StepTimingsTests
{
    [Fact]
    public void Debug_logging_gets_one_line_with_every_step_in_order_and_the_total()
    {
        var log = new LevelLogger(LogLevel.Debug);
        var steps = new StepTimings(log, "RunPodSandbox");
        steps.Step("record creating");
        steps.Step("cgroup");
        steps.Log("abc");

        var line = Assert.Single(log.Lines);
        Assert.Matches(@"^RunPodSandbox abc steps: record creating \d+\.\d ms, cgroup \d+\.\d ms, total \d+\.\d ms$", line);
    }

    [Fact]
    public void Without_debug_logging_nothing_is_recorded_or_written()
    {
        var log = new LevelLogger(LogLevel.Information);
        var steps = new StepTimings(log, "StartContainer");
        steps.Step("container-start, monitor and init");
        steps.Log("abc");

        Assert.Empty(log.Lines);
    }

    private sealed class LevelLogger(LogLevel minimum) : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }
}
