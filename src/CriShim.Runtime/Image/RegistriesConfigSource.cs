using CriShim.Runtime.Errors;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Image;

/// <summary>The registries.conf named by <c>--registries-conf</c>, re-read when the file changes so edits apply without a restart.</summary>
public sealed class RegistriesConfigSource(string path, ILogger log)
{
    private readonly Lock _lock = new();
    private (DateTime Written, long Length)? _stamp;
    private RegistriesConfig _current = RegistriesConfig.Empty;

    public string Path => path;

    /// <summary>The current rules; a broken file fails the pull with a message naming the problem.</summary>
    public RegistriesConfig Current()
    {
        var file = new FileInfo(path);
        var stamp = file.Exists ? (file.LastWriteTimeUtc, file.Length) : (DateTime.MinValue, -1L);
        lock (_lock)
        {
            if (_stamp == stamp)
            {
                return _current;
            }
            try
            {
                _current = RegistriesConfig.Load(path);
            }
            catch (RegistriesConfigException e)
            {
                throw new FailedPreconditionException($"registries.conf is invalid: {e.Message}");
            }
            _stamp = stamp;
            log.LogInformation("registries.conf {Path}: {Count} registry rules", path, _current.Rules.Count);
            return _current;
        }
    }
}
