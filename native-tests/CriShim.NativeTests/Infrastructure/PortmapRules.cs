namespace CriShim.NativeTests.Infrastructure;

/// <summary>
/// The nat rules Debian's portmap plugin leaves for a network: each pod's <c>CNI-DN-*</c> chain is
/// jumped to from <c>CNI-HOSTPORT-DNAT</c> by a rule commented <c>dnat name: "network"</c>. Tests
/// read them to check port mappings and remove them to clean up, sharing the top-level
/// <c>CNI-HOSTPORT-*</c> chains with other users until no pod chain is left.
/// </summary>
public static class PortmapRules
{
    private static readonly string[] TopLevelChains = ["CNI-HOSTPORT-DNAT", "CNI-HOSTPORT-SETMARK", "CNI-HOSTPORT-MASQ"];

    /// <summary>The nat table as <c>iptables -S</c> rules.</summary>
    public static async Task<IReadOnlyList<string>> NatRulesAsync(string iptables = "iptables")
    {
        var (code, output) = await Shell.TryRun(iptables, "-w", "-t", "nat", "-S");
        return code == 0 ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];
    }

    public static async Task RemoveAsync(string iptables, string network)
    {
        var rules = await NatRulesAsync(iptables);
        var marker = $"dnat name: \\\"{network}\\\"";
        foreach (var jump in rules.Where(r => r.StartsWith("-A CNI-HOSTPORT-DNAT ", StringComparison.Ordinal) && r.Contains(marker)))
        {
            // -S output quotes like a shell, so the shell can turn the rule back into arguments.
            await Shell.TryRun("sh", "-c", $"{iptables} -w -t nat -D {jump[3..]}");
            var chain = jump.Split(' ').SkipWhile(w => w != "-j").Skip(1).FirstOrDefault();
            if (chain is not null && chain.StartsWith("CNI-DN-", StringComparison.Ordinal))
            {
                await Shell.TryRun(iptables, "-w", "-t", "nat", "-F", chain);
                await Shell.TryRun(iptables, "-w", "-t", "nat", "-X", chain);
            }
        }
        rules = await NatRulesAsync(iptables);
        if (rules.Any(r => r.StartsWith("-N CNI-DN-", StringComparison.Ordinal)))
        {
            return;
        }
        foreach (var jump in rules.Where(r => r.StartsWith("-A ", StringComparison.Ordinal)
                     && TopLevelChains.Any(c => r.EndsWith($"-j {c}", StringComparison.Ordinal))
                     && !TopLevelChains.Any(c => r.StartsWith($"-A {c} ", StringComparison.Ordinal))))
        {
            await Shell.TryRun("sh", "-c", $"{iptables} -w -t nat -D {jump[3..]}");
        }
        foreach (var chain in TopLevelChains)
        {
            await Shell.TryRun(iptables, "-w", "-t", "nat", "-F", chain);
        }
        foreach (var chain in TopLevelChains)
        {
            await Shell.TryRun(iptables, "-w", "-t", "nat", "-X", chain);
        }
    }
}
