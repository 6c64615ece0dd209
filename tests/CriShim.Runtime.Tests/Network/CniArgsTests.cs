using CriShim.Runtime.Errors;
using CriShim.Runtime.Network;

namespace CriShim.Runtime.Tests.Network;

public sealed class CniArgsTests
{
    [Fact]
    public void Carries_the_pod_identity_as_kubernetes_runtimes_do()
    {
        var request = new PodNetworkRequest("abc123", "/run/netns/x", "web", "default", "uid-1", [], null);

        Assert.Equal("IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=abc123;K8S_POD_UID=uid-1",
            CniArgs.For(request));
    }

    [Theory]
    [InlineData("we;b")]
    [InlineData("a=b")]
    public void Refuses_values_that_would_corrupt_the_list(string name)
    {
        var request = new PodNetworkRequest("abc123", "/run/netns/x", name, "default", "uid-1", [], null);

        var e = Assert.Throws<InvalidArgumentException>(() => CniArgs.For(request));
        Assert.Contains("K8S_POD_NAME", e.Message);
    }
}
