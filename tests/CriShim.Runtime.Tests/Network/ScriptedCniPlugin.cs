namespace CriShim.Runtime.Tests.Network;

/// <summary>
/// A real executable standing in for a CNI plugin in unit tests: a shell script that records each
/// call's <c>CNI_*</c> environment and stdin, prints a canned output per command and exits with a
/// chosen status. All plugins of one bin dir share one call log, so tests see the order of calls.
/// </summary>
public sealed class ScriptedCniPlugin
{
    private readonly string _dataDir;

    public ScriptedCniPlugin(string binDir, string dataDir, string type)
    {
        _dataDir = dataDir;
        Type = type;
        Directory.CreateDirectory(binDir);
        Directory.CreateDirectory(Path.Combine(dataDir, "calls"));
        var script = $$"""
            #!/bin/sh
            calls='{{dataDir}}/calls'
            n=$(printf '%04d' $(( $(ls "$calls" | wc -l) / 2 )))
            cat > "$calls/$n-{{type}}-$CNI_COMMAND.stdin"
            env | grep '^CNI_' | sort > "$calls/$n-{{type}}-$CNI_COMMAND.env"
            if [ -f '{{dataDir}}/{{type}}.'$CNI_COMMAND'.sleep' ]; then sleep 30; fi
            if [ -f '{{dataDir}}/{{type}}.'$CNI_COMMAND'.out' ]; then cat '{{dataDir}}/{{type}}.'$CNI_COMMAND'.out'; fi
            if [ -f '{{dataDir}}/{{type}}.'$CNI_COMMAND'.stderr' ]; then cat '{{dataDir}}/{{type}}.'$CNI_COMMAND'.stderr' >&2; fi
            if [ -f '{{dataDir}}/{{type}}.'$CNI_COMMAND'.exit' ]; then exit $(cat '{{dataDir}}/{{type}}.'$CNI_COMMAND'.exit'); fi
            exit 0
            """;
        var path = Path.Combine(binDir, type);
        File.WriteAllText(path, script.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Type { get; }

    /// <summary>What the plugin prints on stdout for <paramref name="command"/>, and its exit status.</summary>
    public ScriptedCniPlugin On(string command, string stdout, int exit = 0, string stderr = "")
    {
        File.WriteAllText(Path.Combine(_dataDir, $"{Type}.{command}.out"), stdout);
        File.WriteAllText(Path.Combine(_dataDir, $"{Type}.{command}.exit"), exit.ToString());
        File.WriteAllText(Path.Combine(_dataDir, $"{Type}.{command}.stderr"), stderr);
        return this;
    }

    /// <summary>Makes <paramref name="command"/> hang for 30 seconds.</summary>
    public ScriptedCniPlugin Hang(string command)
    {
        File.WriteAllText(Path.Combine(_dataDir, $"{Type}.{command}.sleep"), "");
        return this;
    }

    /// <summary>Every call so far, in order, by all plugins sharing this data dir.</summary>
    public static IReadOnlyList<RecordedCall> Calls(string dataDir) =>
        Directory.EnumerateFiles(Path.Combine(dataDir, "calls"), "*.stdin")
            .Order(StringComparer.Ordinal)
            .Select(stdin =>
            {
                var name = Path.GetFileNameWithoutExtension(stdin).Split('-', 3);
                var env = File.ReadAllLines(Path.ChangeExtension(stdin, ".env"))
                    .Select(l => l.Split('=', 2))
                    .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
                return new RecordedCall(name[1], name[2], env, File.ReadAllText(stdin));
            })
            .ToList();
}

public sealed record RecordedCall(string Plugin, string Command, IReadOnlyDictionary<string, string> Env, string Stdin)
{
    public System.Text.Json.Nodes.JsonObject Config => (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(Stdin)!;
}
