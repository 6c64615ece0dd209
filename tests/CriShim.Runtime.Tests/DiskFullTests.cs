using CriShim.Native;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Tests;

public sealed class DiskFullTests
{
    [Fact]
    public void A_write_that_found_no_space_is_a_full_disk_also_when_wrapped()
    {
        var write = new IOException("No space left on device", 28);
        Assert.True(DiskFull.Caused(write));
        Assert.True(DiskFull.Caused(new UnavailableException("download of layer broke off", write)));
        Assert.True(DiskFull.Caused(new AggregateException(new TimeoutException(), write)));
        Assert.True(DiskFull.Caused(new ErrnoException(28, "mkdir", "/x")));
        Assert.True(DiskFull.Caused(new ErrnoException(122, "write", "/x")));
    }

    [Fact]
    public void Other_failures_are_not()
    {
        Assert.False(DiskFull.Caused(new IOException("broken pipe", 32)));
        Assert.False(DiskFull.Caused(new ErrnoException(13, "open", "/x")));
        Assert.False(DiskFull.Caused(new UnavailableException("registry broke off", new HttpRequestException("reset"))));
        Assert.False(DiskFull.Caused(null));
    }
}
