using CriShim.KubeletTests.Infrastructure;

namespace CriShim.KubeletTests;

/// <summary>
/// Every kubelet scenario, one partial class with a file per area, so that their order is set
/// (<see cref="ScenarioOrderer"/>): the garbage-collection test first, as its wait of up to a minute for the
/// kubelet's GC lets the other pods get on meanwhile; the restarts of the kubelet and of crishim last, as a
/// restarted kubelet of this build may tear down the volumes of running pods (see <see cref="KubeletProcess.StartAsync"/>).
/// </summary>
[Collection("kubelet")]
[TestCaseOrderer("CriShim.KubeletTests.Infrastructure.ScenarioOrderer", "CriShim.KubeletTests")]
public sealed partial class KubeletScenarios(KubeletNode node)
{
    private KubeletNode Node => node;
}
