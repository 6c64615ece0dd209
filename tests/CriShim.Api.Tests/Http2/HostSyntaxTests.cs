using CriShim.Api.Http2;
using Xunit;

namespace CriShim.Api.Tests.Http2;

public sealed class HostSyntaxTests
{
    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:1234")]
    [InlineData("127.0.0.1:10010")]
    [InlineData("my-host.example_1~")]
    [InlineData("[::1]")]
    [InlineData("[fe80::1]:443")]
    [InlineData("")]
    public void HostsKestrelAcceptsAreValid(string authority)
    {
        Assert.True(HostSyntax.IsValid(authority));
    }

    [Theory]
    [InlineData("/run/crishim/crishim.sock")]
    [InlineData("/tmp/x.sock")]
    [InlineData("unix:///run/x.sock")]
    [InlineData(":80")]
    [InlineData("localhost:")]
    [InlineData("localhost:12a")]
    [InlineData("user@host")]
    [InlineData("host name")]
    [InlineData("a,b")]
    [InlineData("[::1")]
    [InlineData("[]")]
    [InlineData("[::1]x")]
    [InlineData("[g::1]")]
    public void AnythingElseIsInvalid(string authority)
    {
        Assert.False(HostSyntax.IsValid(authority));
    }
}
