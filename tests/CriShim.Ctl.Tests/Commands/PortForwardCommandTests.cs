using CriShim.Ctl.Commands;

namespace CriShim.Ctl.Tests.Commands;

public sealed class PortForwardCommandTests
{
    [Theory]
    [InlineData("8080", 8080, 8080)]
    [InlineData("18080:80", 18080, 80)]
    [InlineData("0:80", 0, 80)]
    public void Mappings_are_local_and_remote_ports(string mapping, int local, int remote) =>
        Assert.Equal((local, remote), PortForwardCommand.Parse(mapping));

    [Theory]
    [InlineData("")]
    [InlineData("a:80")]
    [InlineData("1:2:3")]
    [InlineData("70000")]
    public void Anything_else_is_refused_with_the_expected_form(string mapping) =>
        Assert.Contains("[LOCAL:]REMOTE", Assert.Throws<ArgumentException>(() => PortForwardCommand.Parse(mapping)).Message);
}
