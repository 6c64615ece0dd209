using CriShim.Runtime.Container;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Tests.Container;

public sealed class ContainerLogPathTests
{
    [Theory]
    [InlineData("/var/log/pods/ns_pod_uid", "app/0.log", "/var/log/pods/ns_pod_uid/app/0.log")]
    [InlineData("/var/log/pods/ns_pod_uid/", "app/./1.log", "/var/log/pods/ns_pod_uid/app/1.log")]
    [InlineData("/var/log/pods/ns_pod_uid", "a/../app.log", "/var/log/pods/ns_pod_uid/app.log")]
    public void A_log_path_below_the_log_directory_is_joined(string directory, string logPath, string expected) =>
        Assert.Equal(expected, ContainerLogPath.Resolve(directory, logPath));

    [Theory]
    [InlineData("", "app/0.log")]
    [InlineData("/var/log/pods/x", "")]
    public void Without_a_directory_or_a_path_there_is_no_log(string directory, string logPath) =>
        Assert.Equal("", ContainerLogPath.Resolve(directory, logPath));

    [Theory]
    [InlineData("../../etc/cron.d/x")]
    [InlineData("app/../../x.log")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("app/")]
    [InlineData("/etc/passwd")]
    public void A_log_path_out_of_the_log_directory_is_invalid(string logPath) =>
        Assert.Throws<InvalidArgumentException>(() => ContainerLogPath.Resolve("/var/log/pods/ns_pod_uid", logPath));
}
