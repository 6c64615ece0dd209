using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Network;

/// <summary>The environment of one plugin call, as the CNI spec defines it.</summary>
public sealed record CniInvocation(string Command, string ContainerId, string Netns, string IfName, string Args);

/// <summary>
/// Runs CNI plugin executables: the network config on stdin, parameters in <c>CNI_*</c>
/// variables, the result or error on stdout, diagnostics on stderr (logged). Plugins, not the
/// daemon, enter the network namespace. A plugin that outlives the timeout or the caller's
/// cancellation is killed with its children.
/// </summary>
public sealed class CniPluginInvoker(IReadOnlyList<string> binDirs, TimeSpan timeout, ILogger log)
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public IReadOnlyList<string> BinDirs => binDirs;

    /// <summary>The first executable named <paramref name="type"/> in the bin dirs, in order.</summary>
    public string Find(string type)
    {
        foreach (var dir in binDirs)
        {
            var path = Path.Combine(dir, type);
            if (File.Exists(path) && (File.GetUnixFileMode(path) & AnyExecute) != 0)
            {
                return path;
            }
        }
        throw new FileNotFoundException($"CNI plugin '{type}' is not an executable in {string.Join(", ", binDirs)}");
    }

    /// <summary>Runs ADD, DEL or CHECK; returns the printed result (ADD), or null when the plugin printed nothing.</summary>
    public async Task<JsonObject?> InvokeAsync(string type, CniInvocation invocation, JsonObject config, CancellationToken cancel)
    {
        var environment = new Dictionary<string, string>
        {
            ["CNI_COMMAND"] = invocation.Command,
            ["CNI_CONTAINERID"] = invocation.ContainerId,
            ["CNI_NETNS"] = invocation.Netns,
            ["CNI_IFNAME"] = invocation.IfName,
            ["CNI_ARGS"] = invocation.Args,
            ["CNI_PATH"] = string.Join(':', binDirs),
        };
        var stdout = await RunAsync(type, invocation.Command, environment, config.ToJsonString(), cancel);
        if (stdout.Trim().Length == 0)
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(stdout) as JsonObject
                ?? throw new CniPluginException(type, invocation.Command, null, $"printed '{Shorten(stdout)}' instead of a JSON result");
        }
        catch (JsonException e)
        {
            throw new CniPluginException(type, invocation.Command, null, $"printed a result that is not JSON ({e.Message}): {Shorten(stdout)}");
        }
    }

    /// <summary>Asks a plugin which spec versions it supports (the VERSION command).</summary>
    public async Task<IReadOnlyList<string>> SupportedVersionsAsync(string type, string cniVersion, CancellationToken cancel)
    {
        var environment = new Dictionary<string, string>
        {
            ["CNI_COMMAND"] = "VERSION",
            ["CNI_PATH"] = string.Join(':', binDirs),
        };
        var stdout = await RunAsync(type, "VERSION", environment, new JsonObject { ["cniVersion"] = cniVersion }.ToJsonString(), cancel);
        try
        {
            return JsonNode.Parse(stdout)?["supportedVersions"] is JsonArray versions
                ? versions.Select(v => v?.ToString() ?? "").ToList()
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private async Task<string> RunAsync(string type, string command, Dictionary<string, string> environment, string stdin, CancellationToken cancel)
    {
        var path = Find(type);
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Plugins inherit the daemon's environment (PATH finds iptables) but never a stale CNI_* value.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("CNI_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var started = Stopwatch.GetTimestamp();
        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new CniPluginException(type, command, null, $"cannot run {path}: {e.Message}");
        }
        // Process.Dispose leaves redirected streams open once they were read (until a GC finalizes them).
        using var stdoutPipe = process.StandardOutput;
        using var stderrPipe = process.StandardError;
        var stdoutTask = stdoutPipe.ReadToEndAsync(CancellationToken.None);
        var stderrTask = stderrPipe.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The plugin exited without reading its config; its exit status and output say why.
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            await Task.WhenAll(stdoutTask, stderrTask).WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancel.ThrowIfCancellationRequested();
            throw new TimeoutException($"CNI plugin {type} did not finish {command} within {timeout.TotalSeconds:0.#}s and was killed");
        }

        var stdout = await stdoutTask;
        var stderr = await stderrTask;
        log.LogDebug("CNI {Plugin} {Command} exited {Code} after {Ms:0} ms{Stderr}", type, command, process.ExitCode,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds, stderr.Length > 0 ? "; stderr: " + stderr.Trim() : "");
        if (process.ExitCode != 0)
        {
            throw CniPluginException.FromExit(type, command, process.ExitCode, stdout, stderr);
        }
        return stdout;
    }

    private static string Shorten(string text) => text.Length <= 200 ? text.Trim() : text[..200] + "...";
}
