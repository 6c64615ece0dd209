namespace CriShim.Api.Hosting;

/// <summary>
/// The daemon's log level, changeable while it runs (SIGHUP reload). Framework categories (Microsoft,
/// Grpc) stay at Warning unless the level is more verbose than Information.
/// </summary>
public sealed class LogLevelSwitch(string level)
{
    private volatile string _name = level;
    private LogLevel _level = Parse(level);

    public string Name => _name;

    public void Set(string level)
    {
        _level = Parse(level);
        _name = level;
    }

    public bool Allows(string? category, LogLevel level)
    {
        var current = _level;
        var framework = category is not null && (category.StartsWith("Microsoft", StringComparison.Ordinal) || category.StartsWith("Grpc", StringComparison.Ordinal));
        return level >= (framework && current >= LogLevel.Information ? LogLevel.Warning : current);
    }

    public static LogLevel Parse(string level) => level switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        _ => LogLevel.Information,
    };
}
