using System.Runtime.InteropServices;
using CriShim.Runtime.Security;

namespace CriShim.Runtime.Tests.Security;

public sealed class SeccompHostTests
{
    [Fact]
    public void The_local_host_has_its_kernel_version_and_both_architecture_names()
    {
        var host = SeccompHost.Local;

        Assert.True(host.Kernel >= new Version(3, 17), $"kernel {host.Kernel}");
        Assert.Equal(Environment.OSVersion.Version.Major, host.Kernel.Major);
        if (RuntimeInformation.OSArchitecture == Architecture.X64)
        {
            Assert.Equal(("amd64", "SCMP_ARCH_X86_64"), (host.Architecture, host.SeccompArchitecture));
        }
    }
}
