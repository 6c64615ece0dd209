using System.Text.RegularExpressions;
using CriShim.Runtime.Configuration;

namespace CriShim.Runtime.Tests.Configuration;

/// <summary>src/packaging/crishim.toml, installed as /etc/crishim/crishim.toml: every key there, commented, with its true default.</summary>
public sealed partial class DefaultConfigFileTests
{
    private static readonly IReadOnlyDictionary<string, string> NoFlags = new Dictionary<string, string>();

    private static string Text()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "src", "packaging", "crishim.toml");
            if (File.Exists(file))
            {
                return File.ReadAllText(file);
            }
        }
        throw new FileNotFoundException("src/packaging/crishim.toml not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void As_shipped_it_loads_and_changes_nothing()
    {
        var config = DaemonConfigLoader.Build(Text(), DaemonConfig.DefaultConfigPath, NoFlags);

        Assert.Equal(DaemonConfigLoader.Values(new DaemonConfig()), DaemonConfigLoader.Values(config));
    }

    [Fact]
    public void Every_key_is_there_and_uncommented_each_states_its_default()
    {
        var uncommented = CommentedKey().Replace(Text(), "$1");
        var keys = CommentedKey().Matches(Text()).Select(m => m.Groups[2].Value).ToList();

        Assert.Equal(DaemonConfigLoader.Keys.Order(), keys.Order());
        var config = DaemonConfigLoader.Build(uncommented, DaemonConfig.DefaultConfigPath, NoFlags);
        Assert.Equal(DaemonConfigLoader.Values(new DaemonConfig()), DaemonConfigLoader.Values(config));
    }

    [GeneratedRegex(@"^#((\w+) = .*)$", RegexOptions.Multiline)]
    private static partial Regex CommentedKey();
}
