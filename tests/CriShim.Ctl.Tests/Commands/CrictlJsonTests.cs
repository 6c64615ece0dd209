using System.Text.Json;
using CriShim.Ctl.Commands;
using CriShim.Protocol.V1;
using Google.Protobuf.Collections;

namespace CriShim.Ctl.Tests.Commands;

public sealed class CrictlJsonTests
{
    [Theory]
    [InlineData(1_700_000_000_123_456_789L, "2023-11-14T22:13:20.123456789Z")]
    [InlineData(1_700_000_000_120_000_000L, "2023-11-14T22:13:20.12Z")]
    [InlineData(1_700_000_000_000_000_000L, "2023-11-14T22:13:20Z")]
    [InlineData(0L, "1970-01-01T00:00:00Z")]
    [InlineData(null, "0001-01-01T00:00:00Z")]
    public void Timestamps_are_written_as_gos_rfc3339nano(long? nanoseconds, string expected) =>
        Assert.Equal(expected, CrictlJson.Rfc3339Nano(nanoseconds));

    [Fact]
    public void A_container_status_has_sorted_keys_defaults_timestamps_and_parsed_info()
    {
        var status = new ContainerStatus
        {
            Id = "abc", State = ContainerState.ContainerCreated, CreatedAt = 1_700_000_000_000_000_000L,
            Metadata = new ContainerMetadata { Name = "web" }, Image = new ImageSpec { Image = "busybox" },
        };
        var info = new MapField<string, string> { ["info"] = "{\"pid\":0,\"b\":1,\"a\":{\"z\":1,\"y\":2}}" };

        var text = CrictlJson.Document(status, new Dictionary<string, long?> { ["createdAt"] = status.CreatedAt, ["startedAt"] = null }, info);
        var root = JsonDocument.Parse(text).RootElement;

        Assert.Equal(["info", "status"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["a", "b", "pid"], root.GetProperty("info").EnumerateObject().Select(p => p.Name));
        var names = root.GetProperty("status").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal("CONTAINER_CREATED", root.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(0, root.GetProperty("status").GetProperty("exitCode").GetInt32());
        Assert.Equal("2023-11-14T22:13:20Z", root.GetProperty("status").GetProperty("createdAt").GetString());
        Assert.Equal("0001-01-01T00:00:00Z", root.GetProperty("status").GetProperty("startedAt").GetString());
        Assert.Contains("\n  \"info\": {", text);
    }

    [Fact]
    public void An_info_value_that_is_not_an_object_prints_null_as_crictl_does()
    {
        var text = CrictlJson.Document(new ImageSpec { Image = "x" }, new Dictionary<string, long?>(), new MapField<string, string> { ["note"] = "plain text" });

        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(text).RootElement.GetProperty("note").ValueKind);
    }
}
