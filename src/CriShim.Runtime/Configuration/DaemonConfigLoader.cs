using System.Net;
using Tomlyn;
using Tomlyn.Model;

namespace CriShim.Runtime.Configuration;

/// <summary>
/// Builds the <see cref="DaemonConfig"/> from defaults, the TOML file named by <c>--config</c>
/// (default <c>/etc/crishim/crishim.toml</c>, optional only when not named explicitly) and flags,
/// in that order of precedence.
/// </summary>
public static class DaemonConfigLoader
{
    private sealed record Option(string Flag, string Key, string Help, Func<DaemonConfig, string, DaemonConfig> Apply);

    private static readonly string[] LogLevels = ["trace", "debug", "info", "warn", "error"];

    private static readonly Option[] Options =
    [
        new("listen", "listen", "unix socket to serve CRI on",
            (c, v) => c with { Listen = SocketPath(v) }),
        new("root", "root", "persistent state directory",
            (c, v) => c with { Root = AbsolutePath("root", v) }),
        new("state", "state", "volatile state directory",
            (c, v) => c with { State = AbsolutePath("state", v) }),
        new("registries-conf", "registries_conf", "containers-registries.conf(5) v2 file",
            (c, v) => c with { RegistriesConf = AbsolutePath("registries-conf", v) }),
        new("cni-conf-dir", "cni_conf_dir", "directory of CNI network configurations",
            (c, v) => c with { CniConfDir = AbsolutePath("cni-conf-dir", v) }),
        new("cni-bin-dir", "cni_bin_dir", "colon-separated directories of CNI plugins",
            (c, v) => c with { CniBinDirs = v.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => AbsolutePath("cni-bin-dir", d)).ToArray() }),
        new("stream-address", "stream_address", "ADDR:PORT of the streaming server (port 0 picks a free one)",
            (c, v) => c with { StreamAddress = StreamAddress(v) }),
        new("cgroup-driver", "cgroup_driver", "cgroup driver (only cgroupfs)",
            (c, v) => c with { CgroupDriver = v == "cgroupfs" ? v : throw new ConfigException($"cgroup driver '{v}' is not supported: only 'cgroupfs' is") }),
        new("log-level", "log_level", "trace, debug, info, warn or error",
            (c, v) => c with { LogLevel = LogLevels.Contains(v) ? v : throw new ConfigException($"log level '{v}' is not one of {string.Join(", ", LogLevels)}") }),
        new("image-pull-progress-timeout", "image_pull_progress_timeout", "a pull that receives no bytes for this long fails (0: never)",
            (c, v) => c with { ImagePullProgressTimeout = Duration.Parse("image pull progress timeout", v) }),
        new("max-concurrent-downloads", "max_concurrent_downloads", "layers of one image downloaded at the same time",
            (c, v) => c with { MaxConcurrentDownloads = int.TryParse(v, out var n) && n is > 0 and <= 64 ? n : throw new ConfigException($"max concurrent downloads '{v}' is not a number from 1 to 64") }),
        new("metrics-address", "metrics_address", "ADDR:PORT to serve Prometheus metrics on at /metrics (empty: off)",
            (c, v) => c with { MetricsAddress = v.Length == 0 ? null : MetricsAddress(v) }),
    ];

    /// <summary>Reads the config file the flags point at (if any) and applies everything.</summary>
    public static DaemonConfig Load(IReadOnlyList<string> args)
    {
        var flags = ParseFlags(args);
        flags.TryGetValue("config", out var explicitPath);
        var path = explicitPath ?? DaemonConfig.DefaultConfigPath;
        string? toml = null;
        if (File.Exists(path))
        {
            toml = File.ReadAllText(path);
        }
        else if (explicitPath is not null)
        {
            throw new ConfigException($"config file {path} does not exist");
        }
        return Build(toml, path, flags);
    }

    /// <summary>Applies a TOML document (may be null) and then flags to the defaults.</summary>
    public static DaemonConfig Build(string? toml, string configPath, IReadOnlyDictionary<string, string> flags)
    {
        var config = new DaemonConfig { ConfigPath = configPath };
        if (toml is not null)
        {
            config = ApplyToml(config, toml, configPath);
        }
        foreach (var (flag, value) in flags)
        {
            if (flag == "config")
            {
                continue;
            }
            var option = Options.FirstOrDefault(o => o.Flag == flag)
                ?? throw new ConfigException($"unknown flag --{flag} (see --help)");
            config = option.Apply(config, value);
        }
        return config;
    }

    /// <summary>Turns <c>--name value</c> and <c>--name=value</c> into a map; every flag takes a value.</summary>
    public static IReadOnlyDictionary<string, string> ParseFlags(IReadOnlyList<string> args)
    {
        var flags = new Dictionary<string, string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new ConfigException($"unexpected argument '{arg}' (see --help)");
            }
            var name = arg[2..];
            string value;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new ConfigException($"flag --{name} needs a value");
            }
            if (name != "config" && Options.All(o => o.Flag != name))
            {
                throw new ConfigException($"unknown flag --{name} (see --help)");
            }
            flags[name] = value;
        }
        return flags;
    }

    public static string Usage()
    {
        var lines = new List<string>
        {
            "usage: crishim [--flag value]...",
            "",
            $"  --config FILE{"",-13}TOML file with the keys below (default {DaemonConfig.DefaultConfigPath})",
        };
        var defaults = new DaemonConfig();
        foreach (var o in Options)
        {
            lines.Add($"  --{o.Flag,-24}{o.Help}; key '{o.Key}', default {DefaultOf(defaults, o.Key)}");
        }
        return string.Join('\n', lines);
    }

    /// <summary>Every key's value in <paramref name="config"/>, as the file would spell it (empty: unset).</summary>
    public static IReadOnlyDictionary<string, string> Values(DaemonConfig config) => new Dictionary<string, string>
    {
        ["listen"] = config.Listen,
        ["root"] = config.Root,
        ["state"] = config.State,
        ["registries_conf"] = config.RegistriesConf,
        ["cni_conf_dir"] = config.CniConfDir,
        ["cni_bin_dir"] = string.Join(':', config.CniBinDirs),
        ["stream_address"] = config.StreamAddress,
        ["cgroup_driver"] = config.CgroupDriver,
        ["log_level"] = config.LogLevel,
        ["image_pull_progress_timeout"] = Duration.Format(config.ImagePullProgressTimeout),
        ["max_concurrent_downloads"] = config.MaxConcurrentDownloads.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["metrics_address"] = config.MetricsAddress ?? "",
    };

    /// <summary>The TOML keys, in the order <c>--help</c> lists them.</summary>
    public static IReadOnlyList<string> Keys => Options.Select(o => o.Key).ToList();

    private static string DefaultOf(DaemonConfig d, string key) => Values(d)[key] is { Length: > 0 } value ? value : "off";

    private static DaemonConfig ApplyToml(DaemonConfig config, string toml, string origin)
    {
        TomlTable table;
        try
        {
            table = TomlSerializer.Deserialize(toml, TomlDocumentContext.Default.TomlTable) ?? new TomlTable();
        }
        catch (Exception e) when (e is TomlException or InvalidOperationException)
        {
            throw new ConfigException($"{origin}: {e.Message}");
        }
        foreach (var (key, raw) in table)
        {
            if (key == RuntimeHandlerConfig.TableKey)
            {
                config = config with { RuntimeHandlers = RuntimeHandlerConfig.Parse(raw, origin) };
                continue;
            }
            var option = Options.FirstOrDefault(o => o.Key == key)
                ?? throw new ConfigException($"{origin}: unknown key '{key}'");
            var value = raw switch
            {
                string s => s,
                TomlArray a when a.All(x => x is string) => string.Join(':', a.Cast<string>()),
                long n => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => throw new ConfigException($"{origin}: key '{key}' must be a string or a number"),
            };
            try
            {
                config = option.Apply(config, value);
            }
            catch (ConfigException e)
            {
                throw new ConfigException($"{origin}: {e.Message}");
            }
        }
        return config;
    }

    private static string SocketPath(string value)
    {
        var path = value.StartsWith("unix://", StringComparison.Ordinal) ? value["unix://".Length..] : value;
        return AbsolutePath("listen", path);
    }

    private static string AbsolutePath(string what, string value) =>
        Path.IsPathFullyQualified(value)
            ? Path.TrimEndingDirectorySeparator(value)
            : throw new ConfigException($"{what} must be an absolute path, got '{value}'");

    /// <summary>A fixed port: Prometheus must know where to scrape.</summary>
    private static string MetricsAddress(string value)
    {
        if (!IPEndPoint.TryParse(value, out var endpoint) || value.LastIndexOf(':') < 0 || value.EndsWith(':') || endpoint.Port == 0)
        {
            throw new ConfigException($"metrics address '{value}' is not ADDR:PORT with a port above 0 (e.g. 127.0.0.1:9090)");
        }
        return endpoint.ToString();
    }

    private static string StreamAddress(string value)
    {
        if (!IPEndPoint.TryParse(value, out var endpoint) || value.LastIndexOf(':') < 0 || value.EndsWith(':'))
        {
            throw new ConfigException($"stream address '{value}' is not ADDR:PORT (e.g. 127.0.0.1:0)");
        }
        return endpoint.ToString();
    }
}
