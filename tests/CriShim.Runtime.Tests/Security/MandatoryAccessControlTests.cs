using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Security;
using ProfileType = CriShim.Protocol.V1.SecurityProfile.Types.ProfileType;

namespace CriShim.Runtime.Tests.Security;

public sealed class MandatoryAccessControlTests
{
#pragma warning disable CS0612
    private static LinuxContainerSecurityContext WithAppArmorPath(string path) => new() { ApparmorProfile = path };
#pragma warning restore CS0612

    [Theory]
    [InlineData(ProfileType.RuntimeDefault, "runtime/default")]
    [InlineData(ProfileType.Localhost, "localhost/k8s-nginx")]
    public void An_apparmor_profile_fails_loudly(ProfileType type, string named)
    {
        var security = new LinuxContainerSecurityContext { Apparmor = new SecurityProfile { ProfileType = type, LocalhostRef = type == ProfileType.Localhost ? "k8s-nginx" : "" } };

        var e = Assert.Throws<FailedPreconditionException>(() => MandatoryAccessControl.CheckContainer(security));

        Assert.Contains($"apparmor profile '{named}'", e.Message);
        Assert.Contains("not supported", e.Message);
    }

    [Theory]
    [InlineData("runtime/default")]
    [InlineData("localhost/k8s-nginx")]
    public void A_deprecated_apparmor_profile_fails_loudly(string path) =>
        Assert.Throws<FailedPreconditionException>(() => MandatoryAccessControl.CheckContainer(WithAppArmorPath(path)));

    [Fact]
    public void No_or_unconfined_apparmor_is_fine()
    {
        MandatoryAccessControl.CheckContainer(new LinuxContainerSecurityContext());
        MandatoryAccessControl.CheckContainer(new LinuxContainerSecurityContext { Apparmor = new SecurityProfile { ProfileType = ProfileType.Unconfined } });
        MandatoryAccessControl.CheckContainer(WithAppArmorPath("unconfined"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("s0")]
    [InlineData("s0-s1")]
    [InlineData("s0:c1,c2")]
    [InlineData("s0:c0.c1023")]
    public void Selinux_options_are_accepted_and_not_applied(string level)
    {
        var options = new SELinuxOption { User = "system_u", Role = "system_r", Type = "container_t", Level = level };

        MandatoryAccessControl.CheckContainer(new LinuxContainerSecurityContext { SelinuxOptions = options });
        MandatoryAccessControl.CheckSandbox(new LinuxSandboxSecurityContext { SelinuxOptions = options });
    }

    [Theory]
    [InlineData("s0:")]
    [InlineData("c1")]
    [InlineData("s0:c12345")]
    public void A_malformed_selinux_level_is_invalid(string level)
    {
        var options = new SELinuxOption { Level = level };

        Assert.Contains("selinux_options.level", Assert.Throws<InvalidArgumentException>(() =>
            MandatoryAccessControl.CheckContainer(new LinuxContainerSecurityContext { SelinuxOptions = options })).Message);
        Assert.Throws<InvalidArgumentException>(() => MandatoryAccessControl.CheckSandbox(new LinuxSandboxSecurityContext { SelinuxOptions = options }));
    }
}
