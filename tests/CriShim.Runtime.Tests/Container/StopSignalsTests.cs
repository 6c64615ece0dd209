using CriShim.Runtime.Container;
using CriShim.Runtime.Errors;
using CriSignal = CriShim.Protocol.V1.Signal;

namespace CriShim.Runtime.Tests.Container;

public sealed class StopSignalsTests
{
    [Theory]
    [InlineData("SIGTERM", 15)]
    [InlineData("quit", 3)]
    [InlineData("9", 9)]
    [InlineData("SIGRTMIN+3", 37)]
    [InlineData("RTMAX-1", 63)]
    public void Image_stop_signals_parse(string text, int number) => Assert.Equal(number, StopSignals.Parse(text));

    [Fact]
    public void Config_wins_over_image_and_sigterm_is_the_default()
    {
        Assert.Equal(2, StopSignals.Resolve(CriSignal.Sigint, "SIGQUIT"));
        Assert.Equal(38, StopSignals.Resolve(CriSignal.Sigrtminplus4, ""));
        Assert.Equal(3, StopSignals.Resolve(CriSignal.RuntimeDefault, "SIGQUIT"));
        Assert.Equal(15, StopSignals.Resolve(CriSignal.RuntimeDefault, ""));
    }

    [Fact]
    public void Nonsense_is_invalid_argument() => Assert.Throws<InvalidArgumentException>(() => StopSignals.Parse("SIGFOO"));
}
