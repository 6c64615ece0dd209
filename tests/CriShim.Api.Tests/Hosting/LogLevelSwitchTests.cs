using CriShim.Api.Hosting;
using Microsoft.Extensions.Logging;

namespace CriShim.Api.Tests.Hosting;

public sealed class LogLevelSwitchTests
{
    [Theory]
    [InlineData("info", "Microsoft.AspNetCore", LogLevel.Information, false)]
    [InlineData("info", "Microsoft.AspNetCore", LogLevel.Warning, true)]
    [InlineData("info", "CriShim.Runtime.Image.ImagePuller", LogLevel.Debug, false)]
    [InlineData("debug", "CriShim.Runtime.Image.ImagePuller", LogLevel.Debug, true)]
    [InlineData("debug", "Grpc.AspNetCore", LogLevel.Debug, true)]
    [InlineData("error", "Program", LogLevel.Warning, false)]
    public void The_log_level_switch_filters_as_the_level_says(string level, string category, LogLevel message, bool shown) =>
        Assert.Equal(shown, new LogLevelSwitch(level).Allows(category, message));

    [Fact]
    public void Setting_a_level_takes_effect_for_the_next_message()
    {
        var level = new LogLevelSwitch("info");

        level.Set("debug");

        Assert.True(level.Allows("Program", LogLevel.Debug));
        Assert.Equal("debug", level.Name);
    }
}
