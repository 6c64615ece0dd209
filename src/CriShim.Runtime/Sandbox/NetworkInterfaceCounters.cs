using System.Globalization;

namespace CriShim.Runtime.Sandbox;

/// <summary>Traffic counters of one network interface, as <c>/proc/net/dev</c> reports them.</summary>
public sealed record NetworkInterfaceCounters(string Name, ulong RxBytes, ulong RxErrors, ulong TxBytes, ulong TxErrors)
{
    /// <summary>
    /// The interfaces of the network namespace <paramref name="pid"/> is in: <c>/proc/&lt;pid&gt;/net/dev</c> is
    /// answered from that process's namespace, so no thread of the daemon has to enter it. Empty when the
    /// process is gone.
    /// </summary>
    public static IReadOnlyList<NetworkInterfaceCounters> ReadOf(int pid)
    {
        try
        {
            return Parse(File.ReadAllText($"/proc/{pid}/net/dev"));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return [];
        }
    }

    /// <summary>
    /// Parses <c>/proc/net/dev</c>: two header lines, then "name: rx bytes packets errs drop fifo frame compressed
    /// multicast tx bytes packets errs ..." per interface.
    /// </summary>
    public static IReadOnlyList<NetworkInterfaceCounters> Parse(string text)
    {
        var interfaces = new List<NetworkInterfaceCounters>();
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon < 0 || line.Contains('|'))
            {
                continue;
            }
            var fields = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 11)
            {
                continue;
            }
            ulong Field(int i) => ulong.Parse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture);
            interfaces.Add(new NetworkInterfaceCounters(line[..colon].Trim(), Field(0), Field(2), Field(8), Field(10)));
        }
        return interfaces;
    }
}
