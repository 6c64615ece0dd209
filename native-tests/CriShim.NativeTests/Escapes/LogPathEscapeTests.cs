using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Grpc.Core;

namespace CriShim.NativeTests.Escapes;

/// <summary>
/// A container's log_path is relative to its pod's log_directory; one that climbs out of it (or is
/// absolute) would have the monitor create and append to any host file. It is refused, and nothing
/// of the container (state, directories, the log file) is left.
/// </summary>
[Collection("containers")]
public sealed class LogPathEscapeTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task A_log_path_out_of_the_pod_log_directory_is_invalid_and_leaves_nothing()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("logesc");
        var outside = Path.Combine(scene.Daemon.WorkDir, "escaped-log");

        foreach (var logPath in new[] { "../../escaped-log/0.log", "a/../../../escaped-log/0.log", outside + "/abs.log" })
        {
            var config = scene.Config("logger", "true");
            config.LogPath = logPath;

            var error = await Assert.ThrowsAsync<RpcException>(() => scene.RunAsync(pod, podConfig, config));

            Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{logPath}: {error.Status}");
            Assert.Empty((await scene.Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
            Assert.False(Directory.Exists(outside), $"{logPath} created {outside}");
        }
    }
}
