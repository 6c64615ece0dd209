using CriShim.Runtime.Network;

namespace CriShim.Runtime.Tests.Network;

public sealed class CniPluginExceptionTests
{
    [Fact]
    public void The_spec_error_object_becomes_the_message()
    {
        var e = CniPluginException.FromExit("bridge", "ADD", 1,
            """{"cniVersion":"1.0.0","code":7,"msg":"invalid network config","details":"subnet 10.99.0.0/33"}""", "noise");

        Assert.Equal(7, e.Code);
        Assert.Equal("CNI plugin bridge failed ADD: invalid network config (subnet 10.99.0.0/33) [CNI error 7]", e.Message);
    }

    [Fact]
    public void Without_an_error_object_stderr_explains()
    {
        var e = CniPluginException.FromExit("portmap", "DEL", 2, "panic: something", "goroutine 1 [running]");

        Assert.Null(e.Code);
        Assert.Equal("goroutine 1 [running]", e.Reason);
    }

    [Fact]
    public void Without_output_the_exit_status_is_reported()
    {
        var e = CniPluginException.FromExit("x", "ADD", 3, "", "");

        Assert.Equal("exit status 3 without output", e.Reason);
    }
}
