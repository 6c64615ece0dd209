namespace CriShim.Ctl.Commands;

/// <summary>A command's flags (<c>--name value</c>, <c>--name=value</c>, repeatable) and positional arguments.</summary>
internal sealed class CommandArguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);

    /// <param name="valued">Flags that take a value; every other flag is a switch.</param>
    public CommandArguments(IReadOnlyList<string> args, IReadOnlyCollection<string> valued)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-")
            {
                Positional.Add(arg);
                continue;
            }
            var (name, inline) = arg.Split('=', 2) is [var n, var v] ? (n, v) : (arg, null);
            if (valued.Contains(name))
            {
                var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value"));
                if (!_values.TryGetValue(name, out var list))
                {
                    _values[name] = list = [];
                }
                list.Add(value);
            }
            else
            {
                _switches.Add(name);
            }
        }
    }

    public List<string> Positional { get; } = [];

    public bool Has(params string[] names) => names.Any(_switches.Contains);

    public string? Value(params string[] names) => names.SelectMany(All).LastOrDefault();

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var list) ? list : [];
}
