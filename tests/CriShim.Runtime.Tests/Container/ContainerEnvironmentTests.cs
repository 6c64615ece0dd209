using CriShim.Runtime.Container;

namespace CriShim.Runtime.Tests.Container;

public sealed class ContainerEnvironmentTests
{
    [Fact]
    public void Config_overrides_image_in_place_and_defaults_fill_the_gaps()
    {
        var env = ContainerEnvironment.Merge(
            ["PATH=/image/bin", "A=image", "B=image"],
            [new("A", "config"), new("C", "c=with=equals")],
            "pod-host",
            "/home/app");

        Assert.Equal(["PATH=/image/bin", "A=config", "B=image", "C=c=with=equals", "HOSTNAME=pod-host", "HOME=/home/app"], env);
    }

    [Fact]
    public void Without_image_path_the_default_path_is_set()
    {
        var env = ContainerEnvironment.Merge(null, [new("HOME", "/x")], null, "/");
        Assert.Equal([$"HOME=/x", $"PATH={ContainerEnvironment.DefaultPath}"], env);
    }
}
