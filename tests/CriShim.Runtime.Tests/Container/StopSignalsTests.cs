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

    [Theory]
    [InlineData(15, CriSignal.Sigterm)]
    [InlineData(6, CriSignal.Sigabrt)]
    [InlineData(17, CriSignal.Sigchld)]
    [InlineData(29, CriSignal.Sigio)]
    [InlineData(34, CriSignal.Sigrtmin)]
    [InlineData(37, CriSignal.Sigrtminplus3)]
    [InlineData(63, CriSignal.Sigrtmaxminus1)]
    [InlineData(64, CriSignal.Sigrtmax)]
    [InlineData(0, CriSignal.RuntimeDefault)]
    public void Status_reports_the_signal_by_its_first_cri_name(int number, CriSignal name) => Assert.Equal(name, StopSignals.ToCri(number));

    [Fact]
    public void Every_cri_name_survives_the_round_trip_to_its_number()
    {
        foreach (var signal in Enum.GetValues<CriSignal>().Where(s => s != CriSignal.RuntimeDefault))
        {
            Assert.Equal(StopSignals.Resolve(signal, ""), StopSignals.Resolve(StopSignals.ToCri(StopSignals.Resolve(signal, "")), ""));
        }
    }
}
