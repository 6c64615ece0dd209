using System.Globalization;
using CriShim.Runtime.Errors;
using CriSignal = CriShim.Protocol.V1.Signal;

namespace CriShim.Runtime.Container;

/// <summary>
/// The signal StopContainer sends first: the config's <c>stop_signal</c>, else the image's
/// StopSignal (<c>SIGTERM</c>, <c>TERM</c>, <c>15</c>, <c>SIGRTMIN+3</c>), else SIGTERM.
/// </summary>
public static class StopSignals
{
    public const int Default = 15;

    private static readonly Dictionary<string, int> Numbers = new(StringComparer.Ordinal)
    {
        ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["ILL"] = 4, ["TRAP"] = 5, ["ABRT"] = 6, ["IOT"] = 6, ["BUS"] = 7,
        ["FPE"] = 8, ["KILL"] = 9, ["USR1"] = 10, ["SEGV"] = 11, ["USR2"] = 12, ["PIPE"] = 13, ["ALRM"] = 14,
        ["TERM"] = 15, ["STKFLT"] = 16, ["CHLD"] = 17, ["CLD"] = 17, ["CONT"] = 18, ["STOP"] = 19, ["TSTP"] = 20,
        ["TTIN"] = 21, ["TTOU"] = 22, ["URG"] = 23, ["XCPU"] = 24, ["XFSZ"] = 25, ["VTALRM"] = 26, ["PROF"] = 27,
        ["WINCH"] = 28, ["IO"] = 29, ["POLL"] = 29, ["PWR"] = 30, ["SYS"] = 31, ["RTMIN"] = 34, ["RTMAX"] = 64,
    };

    /// <summary>Each signal number's CRI name, the first the enum lists (SIGABRT before its alias SIGIOT).</summary>
    private static readonly Dictionary<int, CriSignal> CriNames = Enum.GetValues<CriSignal>()
        .Where(s => s != CriSignal.RuntimeDefault)
        .GroupBy(s => Resolve(s, ""))
        .ToDictionary(g => g.Key, g => g.Min());

    /// <summary>The CRI name of a signal number (what ContainerStatus reports); RUNTIME_DEFAULT for a number the CRI has no name for.</summary>
    public static CriSignal ToCri(int number) => CriNames.GetValueOrDefault(number, CriSignal.RuntimeDefault);

    public static int Resolve(CriSignal configured, string imageStopSignal) =>
        configured != CriSignal.RuntimeDefault
            ? Parse(configured.ToString().ToUpperInvariant().Replace("PLUS", "+", StringComparison.Ordinal).Replace("MINUS", "-", StringComparison.Ordinal))
            : imageStopSignal.Length > 0 ? Parse(imageStopSignal) : Default;

    /// <summary>A signal by name (with or without SIG), RTMIN+n / RTMAX-n, or number.</summary>
    public static int Parse(string text)
    {
        var name = text.Trim().ToUpperInvariant();
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 64)
        {
            return number;
        }
        if (name.StartsWith("SIG", StringComparison.Ordinal))
        {
            name = name[3..];
        }
        if (Numbers.TryGetValue(name, out number))
        {
            return number;
        }
        foreach (var (baseName, sign) in new[] { ("RTMIN+", 1), ("RTMAX-", -1) })
        {
            if (name.StartsWith(baseName, StringComparison.Ordinal)
                && int.TryParse(name[baseName.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
                && Numbers[baseName[..^1]] + (sign * offset) is var signal and >= 34 and <= 64)
            {
                return signal;
            }
        }
        throw new InvalidArgumentException($"stop signal '{text}' is not a Linux signal name or number");
    }
}
