namespace CriShim.Ctl;

/// <summary>crictl's global flags, which come before the command: endpoint and timeout.</summary>
internal sealed record GlobalOptions(string Endpoint, TimeSpan Timeout, bool HelpRequested, IReadOnlyList<string> Rest)
{
    public static GlobalOptions Parse(IReadOnlyList<string> args)
    {
        var endpoint = Environment.GetEnvironmentVariable("CONTAINER_RUNTIME_ENDPOINT") is { Length: > 0 } env
            ? env
            : CriConnection.DefaultEndpoint;
        var timeout = TimeSpan.FromSeconds(10);
        var help = false;
        var i = 0;
        for (; i < args.Count && args[i].StartsWith('-'); i++)
        {
            var (name, inline) = args[i].Split('=', 2) is [var n, var v] ? (n, v) : (args[i], null);
            if (name is "--help" or "-h")
            {
                help = true;
                continue;
            }
            var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value"));
            switch (name)
            {
                case "--runtime-endpoint" or "-r" or "--image-endpoint" or "-i":
                    endpoint = value;
                    break;
                case "--timeout" or "-t":
                    timeout = ParseSeconds(value);
                    break;
                default:
                    throw new ArgumentException($"unknown global flag {name}");
            }
        }
        return new GlobalOptions(endpoint, timeout, help, args.Skip(i).ToList());
    }

    private static TimeSpan ParseSeconds(string value) =>
        double.TryParse(value.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"timeout '{value}' is not a number of seconds such as 10s");
}
