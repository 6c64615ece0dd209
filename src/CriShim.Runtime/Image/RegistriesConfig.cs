using Tomlyn;
using Tomlyn.Model;

namespace CriShim.Runtime.Image;

/// <summary>A <c>[[registry]]</c> table of registries.conf: which names it covers and where to fetch them.</summary>
public sealed record RegistryRule(string Prefix, string Location, bool Insecure, bool Blocked, IReadOnlyList<RegistryMirror> Mirrors)
{
    public bool IsWildcard => Prefix.StartsWith("*.", StringComparison.Ordinal);

    /// <summary>How many characters of the name this rule covers (longest match wins), or -1.</summary>
    public int MatchLength(ImageReference reference)
    {
        if (IsWildcard)
        {
            return reference.Domain.EndsWith(Prefix[1..], StringComparison.Ordinal) ? reference.Domain.Length : -1;
        }
        var name = reference.Name;
        return name == Prefix || name.StartsWith(Prefix + "/", StringComparison.Ordinal) ? Prefix.Length : -1;
    }
}

public sealed record RegistryMirror(string Location, bool Insecure);

/// <summary>
/// The registries.conf v2 format of containers-registries.conf(5) (CRI-O, Podman, Skopeo):
/// <c>[[registry]]</c> with prefix, location, insecure, blocked and <c>[[registry.mirror]]</c> with
/// location and insecure. Other top-level keys (search registries, aliases) do not apply to CRI,
/// whose references are always fully qualified, and are ignored.
/// </summary>
public sealed class RegistriesConfig
{
    public static RegistriesConfig Empty { get; } = new([]);

    public RegistriesConfig(IReadOnlyList<RegistryRule> rules) => Rules = rules;

    public IReadOnlyList<RegistryRule> Rules { get; }

    /// <summary>Reads the file; a missing file means no rules.</summary>
    public static RegistriesConfig Load(string path)
    {
        string toml;
        try
        {
            toml = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Empty;
        }
        return Parse(toml, path);
    }

    public static RegistriesConfig Parse(string toml, string origin)
    {
        TomlTable document;
        try
        {
            document = TomlSerializer.Deserialize(toml, Configuration.TomlDocumentContext.Default.TomlTable) ?? new TomlTable();
        }
        catch (Exception e) when (e is TomlException or InvalidOperationException)
        {
            throw new RegistriesConfigException($"{origin}: {e.Message}");
        }
        if (document.ContainsKey("registries"))
        {
            throw new RegistriesConfigException($"{origin}: the v1 format ([registries.search] ...) is not supported; use [[registry]] tables (v2)");
        }
        if (!document.TryGetValue("registry", out var raw))
        {
            return Empty;
        }
        if (raw is not TomlTableArray tables)
        {
            throw new RegistriesConfigException($"{origin}: 'registry' must be an array of tables ([[registry]])");
        }
        var rules = new List<RegistryRule>();
        for (var i = 0; i < tables.Count; i++)
        {
            rules.Add(ParseRule(tables[i], $"{origin}: [[registry]] #{i + 1}"));
        }
        var duplicate = rules.GroupBy(r => r.Prefix).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new RegistriesConfigException($"{origin}: prefix '{duplicate.Key}' is defined more than once");
        }
        return new RegistriesConfig(rules);
    }

    /// <summary>The rule with the longest prefix covering <paramref name="reference"/>, if any.</summary>
    public RegistryRule? RuleFor(ImageReference reference) =>
        Rules.Select(r => (Rule: r, Length: r.MatchLength(reference)))
            .Where(m => m.Length >= 0)
            .OrderByDescending(m => m.Length)
            .Select(m => m.Rule)
            .FirstOrDefault();

    /// <summary>Where to fetch <paramref name="reference"/>, in order: mirrors first, then the registry itself.</summary>
    public IReadOnlyList<RegistryEndpoint> EndpointsFor(ImageReference reference)
    {
        var rule = RuleFor(reference);
        if (rule is null)
        {
            return [RegistryEndpoint.FromLocation(reference.Domain, "/" + reference.Path, insecure: false, isMirror: false)];
        }
        if (rule.Blocked)
        {
            throw new Errors.FailedPreconditionException($"registry for '{reference}' is blocked by registries.conf (prefix '{rule.Prefix}')");
        }
        // The part of the name after the prefix is appended to each location, as containers/image does.
        var remainder = rule.IsWildcard ? "/" + reference.Path : reference.Name[rule.Prefix.Length..];
        var location = rule.IsWildcard ? reference.Domain : rule.Location;
        var endpoints = rule.Mirrors
            .Select(m => RegistryEndpoint.FromLocation(m.Location, remainder, m.Insecure, isMirror: true))
            .ToList();
        endpoints.Add(RegistryEndpoint.FromLocation(location, remainder, rule.Insecure, isMirror: false));
        return endpoints;
    }

    private static RegistryRule ParseRule(TomlTable table, string where)
    {
        var prefix = String(table, "prefix", where) ?? "";
        var location = String(table, "location", where) ?? "";
        if (prefix.Length == 0 && location.Length == 0)
        {
            throw new RegistriesConfigException($"{where}: needs a prefix or a location");
        }
        if (prefix.StartsWith("*.", StringComparison.Ordinal) && location.Length > 0)
        {
            throw new RegistriesConfigException($"{where}: a wildcard prefix '{prefix}' cannot have a location");
        }
        CheckLocation(location, where);
        var mirrors = new List<RegistryMirror>();
        if (table.TryGetValue("mirror", out var rawMirrors))
        {
            if (rawMirrors is not TomlTableArray mirrorTables)
            {
                throw new RegistriesConfigException($"{where}: 'mirror' must be an array of tables ([[registry.mirror]])");
            }
            foreach (var m in mirrorTables)
            {
                var mirrorLocation = String(m, "location", where + " mirror") ?? "";
                if (mirrorLocation.Length == 0)
                {
                    throw new RegistriesConfigException($"{where}: a mirror needs a location");
                }
                CheckLocation(mirrorLocation, where + " mirror");
                mirrors.Add(new RegistryMirror(mirrorLocation.TrimEnd('/'), Bool(m, "insecure", where + " mirror")));
            }
        }
        var isWildcard = prefix.StartsWith("*.", StringComparison.Ordinal);
        return new RegistryRule(
            (prefix.Length == 0 ? location : prefix).TrimEnd('/'),
            (location.Length == 0 && !isWildcard ? prefix : location).TrimEnd('/'),
            Bool(table, "insecure", where),
            Bool(table, "blocked", where),
            mirrors);
    }

    private static void CheckLocation(string location, string where)
    {
        if (location.Contains("://", StringComparison.Ordinal))
        {
            throw new RegistriesConfigException($"{where}: location '{location}' must be host[:port][/path] without a scheme; use insecure = true for plain HTTP");
        }
    }

    private static string? String(TomlTable table, string key, string where) =>
        !table.TryGetValue(key, out var value) ? null
            : value as string ?? throw new RegistriesConfigException($"{where}: '{key}' must be a string");

    private static bool Bool(TomlTable table, string key, string where) =>
        table.TryGetValue(key, out var value) && (value as bool? ?? throw new RegistriesConfigException($"{where}: '{key}' must be true or false"));
}

/// <summary>A registries.conf that cannot be used, with the file and the table at fault.</summary>
public sealed class RegistriesConfigException(string message) : Exception(message);
