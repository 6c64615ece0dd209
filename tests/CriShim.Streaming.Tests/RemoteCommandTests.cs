using System.Text;
using System.Text.Json.Nodes;
using CriShim.Streaming.RemoteCommand;

namespace CriShim.Streaming.Tests;

public class RemoteCommandTests
{
    [Fact]
    public void A_non_zero_exit_is_a_failure_status_with_an_exit_code_cause()
    {
        var json = JsonNode.Parse(RemoteCommandStatus.ExitCode(3, ["sh", "-c", "exit 3"]).ToJson())!;
        Assert.Equal("Failure", (string?)json["status"]);
        Assert.Equal("NonZeroExitCode", (string?)json["reason"]);
        Assert.Equal("ExitCode", (string?)json["details"]!["causes"]![0]!["reason"]);
        Assert.Equal("3", (string?)json["details"]!["causes"]![0]!["message"]);
        Assert.Contains("exit code 3", (string?)json["message"]);
        Assert.Equal(3, RemoteCommandStatus.Parse(Encoding.UTF8.GetBytes(json.ToJsonString())).ToExitCode());
    }

    [Fact]
    public void Success_is_exit_code_zero_and_other_failures_throw_their_message()
    {
        Assert.Equal("""{"metadata":{},"status":"Success"}""", Encoding.UTF8.GetString(RemoteCommandStatus.Success().ToJson()));
        Assert.Equal(0, RemoteCommandStatus.Parse("""{"metadata":{},"status":"Success"}"""u8).ToExitCode());
        var error = RemoteCommandStatus.Error("executable file not found");
        var parsed = RemoteCommandStatus.Parse(error.ToJson());
        Assert.Equal((500, "InternalError"), (parsed.Code, parsed.Reason));
        var e = Assert.Throws<RemoteCommandException>(() => parsed.ToExitCode());
        Assert.Contains("executable file not found", e.Message);
    }

    [Fact]
    public void A_status_as_kubelet_writes_it_is_understood()
    {
        var kubelet = """{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [false], exit code 1","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"1"}]}}"""u8;
        Assert.Equal(1, RemoteCommandStatus.Parse(kubelet).ToExitCode());
        Assert.Throws<RemoteCommandException>(() => RemoteCommandStatus.Parse("""{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[]}}"""u8).ToExitCode());
    }

    [Fact]
    public async Task Resize_messages_are_read_one_after_another_as_client_go_encodes_them()
    {
        Assert.Equal("""{"Width":80,"Height":24}""", Encoding.UTF8.GetString(new ResizeMessage(80, 24).ToJson()));
        var sizes = new List<ResizeMessage>();
        await foreach (var size in ResizeMessage.ReadAllAsync(new MemoryStream("{\"Width\":80,\"Height\":24}\n{\"Width\":120,\"Height\":40}\n"u8.ToArray())))
        {
            sizes.Add(size);
        }
        Assert.Equal([new ResizeMessage(80, 24), new ResizeMessage(120, 40)], sizes);
    }

    [Theory]
    [InlineData(new[] { "v4.channel.k8s.io,v3.channel.k8s.io" }, "v4.channel.k8s.io")]
    [InlineData(new[] { "v5.channel.k8s.io", "v2.channel.k8s.io" }, "v2.channel.k8s.io")]
    [InlineData(new[] { "channel.k8s.io" }, "channel.k8s.io")]
    [InlineData(new[] { "v9.channel.k8s.io" }, null)]
    public void The_first_client_protocol_the_server_knows_wins(string[] client, string? chosen) =>
        Assert.Equal(chosen, StreamProtocols.Negotiate(client, StreamProtocols.SpdyRemoteCommand));
}
