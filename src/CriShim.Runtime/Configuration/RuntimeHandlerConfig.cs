using System.Text.RegularExpressions;
using Tomlyn.Model;

namespace CriShim.Runtime.Configuration;

/// <summary>
/// One <c>[runtimes.NAME]</c> table of the config file: a RuntimeClass handler the kubelet may name in
/// <c>RunPodSandbox</c>. Options left out behave as the default handler's.
/// </summary>
/// <param name="Name">The handler name, a DNS label as a RuntimeClass <c>handler</c> must be.</param>
/// <param name="RuntimePath">The runtime helper that creates this handler's pods and containers and runs their execs; null: the one beside the daemon.</param>
/// <param name="DefaultSeccompProfile">
/// The seccomp profile of a pod or container that names none (no <c>seccomp</c> field and an empty
/// <c>seccomp_profile_path</c>), as containerd's <c>unset_seccomp_profile</c>: <c>unconfined</c>,
/// <c>runtime/default</c> or <c>localhost/&lt;absolute path&gt;</c>; null: unconfined.
/// </param>
public sealed partial record RuntimeHandlerConfig(string Name, string? RuntimePath, string? DefaultSeccompProfile)
{
    public const string TableKey = "runtimes";

    private static readonly string[] SeccompKeywords = ["unconfined", "runtime/default"];

    /// <summary>Reads the <c>runtimes</c> table: a table of handler tables.</summary>
    public static IReadOnlyList<RuntimeHandlerConfig> Parse(object raw, string origin)
    {
        if (raw is not TomlTable runtimes)
        {
            throw new ConfigException($"{origin}: '{TableKey}' must be a table of [{TableKey}.NAME] tables");
        }
        var handlers = new List<RuntimeHandlerConfig>();
        foreach (var (name, value) in runtimes)
        {
            if (!DnsLabel().IsMatch(name))
            {
                throw new ConfigException($"{origin}: runtime handler name '{name}' is not a DNS label (lower-case letters, digits and '-', at most 63)");
            }
            if (value is not TomlTable options)
            {
                throw new ConfigException($"{origin}: [{TableKey}.{name}] must be a table");
            }
            string? runtimePath = null;
            string? seccomp = null;
            foreach (var (key, option) in options)
            {
                var text = option as string ?? throw new ConfigException($"{origin}: {TableKey}.{name}.{key} must be a string");
                switch (key)
                {
                    case "runtime_path":
                        runtimePath = Path.IsPathFullyQualified(text)
                            ? text
                            : throw new ConfigException($"{origin}: {TableKey}.{name}.runtime_path must be an absolute path, got '{text}'");
                        break;
                    case "default_seccomp_profile":
                        seccomp = SeccompKeywords.Contains(text) || (text.StartsWith("localhost/", StringComparison.Ordinal) && Path.IsPathFullyQualified(text["localhost/".Length..]))
                            ? text
                            : throw new ConfigException($"{origin}: {TableKey}.{name}.default_seccomp_profile '{text}' is not unconfined, runtime/default or localhost/<absolute path>");
                        break;
                    default:
                        throw new ConfigException($"{origin}: unknown key '{key}' in [{TableKey}.{name}] (known: runtime_path, default_seccomp_profile)");
                }
            }
            handlers.Add(new RuntimeHandlerConfig(name, runtimePath, seccomp));
        }
        return handlers;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
