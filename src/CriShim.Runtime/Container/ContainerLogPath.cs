using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Container;

/// <summary>
/// A container's CRI log file: its <c>log_path</c> below the pod's <c>log_directory</c>. The monitor creates and
/// appends to it as root, so a path that is absolute or climbs out of the directory is refused.
/// </summary>
public static class ContainerLogPath
{
    /// <summary>The absolute log file, or "" when the kubelet asked for none.</summary>
    public static string Resolve(string logDirectory, string logPath)
    {
        if (logDirectory.Length == 0 || logPath.Length == 0)
        {
            return "";
        }
        if (logPath.StartsWith('/'))
        {
            throw new InvalidArgumentException($"log_path '{logPath}' must be relative to the pod's log_directory");
        }
        var directory = Path.GetFullPath(logDirectory).TrimEnd('/');
        var file = Path.GetFullPath(Path.Combine(directory, logPath));
        if (!file.StartsWith(directory + "/", StringComparison.Ordinal) || file.EndsWith('/'))
        {
            throw new InvalidArgumentException($"log_path '{logPath}' leads out of the pod's log_directory {logDirectory}");
        }
        return file;
    }
}
