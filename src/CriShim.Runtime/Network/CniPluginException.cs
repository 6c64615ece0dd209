using System.Text.Json;
using System.Text.Json.Nodes;

namespace CriShim.Runtime.Network;

/// <summary>
/// A plugin that exited non-zero. The spec has it print <c>{"code","msg","details"}</c> on stdout;
/// when it printed something else, its stderr or raw output is the best message there is.
/// </summary>
public sealed class CniPluginException(string plugin, string command, int? code, string reason)
    : Exception($"CNI plugin {plugin} failed {command}: {reason}")
{
    /// <summary>Well-known code 1: the plugin does not support the configuration's cniVersion.</summary>
    public const int IncompatibleVersion = 1;

    public string Plugin { get; } = plugin;
    public string Command { get; } = command;

    /// <summary>The CNI error code (1-99 well-known, 100+ plugin-specific); null when none was printed.</summary>
    public int? Code { get; } = code;

    /// <summary>The plugin's own words, without the "plugin X failed" prefix.</summary>
    public string Reason { get; } = reason;

    public static CniPluginException FromExit(string plugin, string command, int exitCode, string stdout, string stderr)
    {
        if (TryParseError(stdout, out var code, out var message))
        {
            return new CniPluginException(plugin, command, code, message);
        }
        var text = (stdout.Trim(), stderr.Trim()) switch
        {
            ("", "") => $"exit status {exitCode} without output",
            (var output, "") => output,
            (_, var errors) => errors,
        };
        return new CniPluginException(plugin, command, null, text);
    }

    public CniPluginException WithReason(string reason) => new(Plugin, Command, Code, reason);

    private static bool TryParseError(string stdout, out int? code, out string message)
    {
        code = null;
        message = "";
        try
        {
            if (JsonNode.Parse(stdout) is not JsonObject error || error["msg"]?.GetValueKind() != JsonValueKind.String)
            {
                return false;
            }
            message = error["msg"]!.GetValue<string>();
            if (error["details"]?.GetValueKind() == JsonValueKind.String && error["details"]!.GetValue<string>() is { Length: > 0 } details)
            {
                message += $" ({details})";
            }
            if (error["code"]?.GetValueKind() == JsonValueKind.Number)
            {
                code = error["code"]!.GetValue<int>();
                message += $" [CNI error {code}]";
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
