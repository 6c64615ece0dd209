using CriShim.Runtime.Container;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Tests.Container;

public sealed class ContainerCommandLineTests
{
    public static TheoryData<string[], string[], string[]?, string[]?, string[]> Table => new()
    {
        // command, args, image ENTRYPOINT, image CMD => argv
        { [], [], ["/ep"], ["cmd"], ["/ep", "cmd"] },
        { [], ["a1"], ["/ep"], ["cmd"], ["/ep", "a1"] },
        { ["/c"], [], ["/ep"], ["cmd"], ["/c"] },
        { ["/c"], ["a1", "a2"], ["/ep"], ["cmd"], ["/c", "a1", "a2"] },
        { [], [], null, ["/bin/sh", "-c", "x"], ["/bin/sh", "-c", "x"] },
        { [], ["/bin/true"], null, ["/bin/sh"], ["/bin/true"] },
        { [], [], ["/ep", "-x"], null, ["/ep", "-x"] },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Command_replaces_entrypoint_and_args_replace_cmd(string[] command, string[] args, string[]? entrypoint, string[]? cmd, string[] expected)
    {
        Assert.Equal(expected, ContainerCommandLine.Merge(command, args, entrypoint, cmd));
    }

    [Fact]
    public void Nothing_to_run_is_invalid_argument()
    {
        Assert.Throws<InvalidArgumentException>(() => ContainerCommandLine.Merge([], [], null, null));
    }
}
