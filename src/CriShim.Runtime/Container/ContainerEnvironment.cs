namespace CriShim.Runtime.Container;

/// <summary>
/// A container's environment: the image's variables, then the config's (a later value of the same
/// name replaces the earlier one in place), then what every container gets when not set: PATH,
/// HOSTNAME and HOME.
/// </summary>
public static class ContainerEnvironment
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static IReadOnlyList<string> Merge(
        IReadOnlyList<string>? imageEnv, IEnumerable<KeyValuePair<string, string>> configEnv, string? hostname, string home)
    {
        var names = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        void Set(string name, string value)
        {
            if (!values.ContainsKey(name))
            {
                names.Add(name);
            }
            values[name] = value;
        }
        foreach (var variable in imageEnv ?? [])
        {
            var (name, value) = variable.Split('=', 2) is [var n, var v] ? (n, v) : (variable, "");
            if (name.Length > 0)
            {
                Set(name, value);
            }
        }
        foreach (var (name, value) in configEnv)
        {
            if (name.Length > 0)
            {
                Set(name, value);
            }
        }
        if (!values.ContainsKey("PATH"))
        {
            Set("PATH", DefaultPath);
        }
        if (hostname is { Length: > 0 } && !values.ContainsKey("HOSTNAME"))
        {
            Set("HOSTNAME", hostname);
        }
        if (!values.ContainsKey("HOME"))
        {
            Set("HOME", home);
        }
        return names.Select(n => $"{n}={values[n]}").ToList();
    }
}
