using CriShim.Runtime.Container.Checkpoint;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Tests.Container.Checkpoint;

public sealed class CheckpointValidationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("")]
    [InlineData("relative/checkpoint.tar")]
    [InlineData("/no/such/directory/checkpoint.tar")]
    [InlineData("/tmp/")]
    public void A_location_that_cannot_be_written_is_invalid(string location) =>
        Assert.Throws<InvalidArgumentException>(() => ContainerCheckpointer.Validate(location, 0));

    [Fact]
    public void An_existing_directory_is_not_a_location() =>
        Assert.Throws<InvalidArgumentException>(() => ContainerCheckpointer.Validate(_dir.Path, 0));

    [Fact]
    public void A_negative_timeout_is_invalid() =>
        Assert.Throws<InvalidArgumentException>(() => ContainerCheckpointer.Validate(_dir.Combine("c.tar"), -1));

    [Fact]
    public void Zero_means_the_default_timeout()
    {
        Assert.Equal(ContainerCheckpointer.DefaultTimeout, ContainerCheckpointer.Validate(_dir.Combine("c.tar"), 0).Timeout);
        Assert.Equal(TimeSpan.FromSeconds(30), ContainerCheckpointer.Validate(_dir.Combine("c.tar"), 30).Timeout);
    }
}
