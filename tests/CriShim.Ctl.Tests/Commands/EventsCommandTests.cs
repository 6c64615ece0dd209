using CriShim.Ctl.Commands;
using CriShim.Protocol.V1;

namespace CriShim.Ctl.Tests.Commands;

public sealed class EventsCommandTests
{
    [Fact]
    public void An_event_row_has_time_proto_type_name_short_id_and_pod()
    {
        var e = new ContainerEventResponse
        {
            ContainerId = "fedcba9876543210fedcba",
            ContainerEventType = ContainerEventType.ContainerStoppedEvent,
            CreatedAt = 1_700_000_000_500_000_000L,
            PodSandboxStatus = new PodSandboxStatus { Metadata = new PodSandboxMetadata { Name = "web", Namespace = "prod" } },
        };

        Assert.Equal(["2023-11-14T22:13:20.5Z", "CONTAINER_STOPPED_EVENT", "fedcba9876543", "prod/web"], EventsCommand.Row(e, truncate: true));
    }

    [Fact]
    public void Lines_keep_columns_aligned_before_the_widest_row_is_known()
    {
        var header = EventsCommand.Line(EventsCommand.Headers);
        var row = EventsCommand.Line(["2023-11-14T22:13:20.5Z", "CONTAINER_STOPPED_EVENT", "fedcba9876543", "prod/web"]);

        Assert.Equal(header.IndexOf("TYPE", StringComparison.Ordinal), row.IndexOf("CONTAINER_", StringComparison.Ordinal));
        Assert.Equal(header.IndexOf("POD", StringComparison.Ordinal), row.IndexOf("prod/web", StringComparison.Ordinal));
    }
}
