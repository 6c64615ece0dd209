using System.Text.Json.Nodes;
using CriShim.Protocol.V1;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Network;

namespace CriShim.Runtime.Daemon;

/// <summary>Answers <c>Version</c>, <c>Status</c> and <c>RuntimeConfig</c>: what the kubelet checks before it schedules anything.</summary>
public sealed class RuntimeStatusReporter(DaemonConfig config, CniConfigDirectory cni, RuntimeSettingsStore settings, RuntimeHandlers handlers)
{
    public const string RuntimeReady = "RuntimeReady";
    public const string NetworkReady = "NetworkReady";
    public const string NetworkPluginNotReady = "NetworkPluginNotReady";

    public VersionResponse Version() => new()
    {
        Version = RuntimeIdentity.KubeletApiVersion,
        RuntimeName = RuntimeIdentity.Name,
        RuntimeVersion = RuntimeIdentity.RuntimeVersion,
        RuntimeApiVersion = RuntimeIdentity.RuntimeApiVersion,
    };

    public StatusResponse Status(bool verbose)
    {
        var network = cni.Find();
        var networkCondition = new RuntimeCondition { Type = NetworkReady, Status = network.Found };
        if (!network.Found)
        {
            networkCondition.Reason = NetworkPluginNotReady;
            networkCondition.Message = "Network plugin returns error: cni plugin not initialized: " + string.Join("; ", network.Problems);
        }
        var response = new StatusResponse
        {
            Status = new RuntimeStatus
            {
                Conditions =
                {
                    new RuntimeCondition { Type = RuntimeReady, Status = true },
                    networkCondition,
                },
            },
            // ContainerUserResolver applies Strict (only the groups the CRI names) and Merge (plus the image's /etc/group).
            Features = new RuntimeFeatures { SupplementalGroupsPolicy = true },
        };
        response.RuntimeHandlers.AddRange(handlers.All.Select(h => new RuntimeHandler { Name = h.Name, Features = RuntimeHandlers.Features() }));
        if (verbose)
        {
            response.Info.Add("config", EffectiveConfig(network).ToJsonString());
        }
        return response;
    }

    public RuntimeConfigResponse RuntimeConfig() => new()
    {
        Linux = new LinuxRuntimeConfiguration { CgroupDriver = CgroupDriver.Cgroupfs },
    };

    public void UpdateRuntimeConfig(UpdateRuntimeConfigRequest request)
    {
        var podCidr = request.RuntimeConfig?.NetworkConfig?.PodCidr ?? "";
        if (podCidr.Length == 0)
        {
            return;
        }
        foreach (var cidr in podCidr.Split(','))
        {
            if (!System.Net.IPNetwork.TryParse(cidr.Trim(), out _))
            {
                throw new InvalidArgumentException($"pod CIDR '{cidr}' is not an IP network such as 10.88.0.0/16");
            }
        }
        settings.SetPodCidr(podCidr);
    }

    /// <summary>Built as a JSON tree, not from an anonymous type: the NativeAOT daemon has no reflection serializer.</summary>
    private JsonObject EffectiveConfig(CniConfigDirectory.Lookup network)
    {
        var runtimes = new JsonObject();
        foreach (var handler in config.RuntimeHandlers)
        {
            runtimes[handler.Name] = new JsonObject { ["runtimePath"] = handler.RuntimePath, ["defaultSeccompProfile"] = handler.DefaultSeccompProfile };
        }
        return new JsonObject
        {
            ["configPath"] = config.ConfigPath,
            ["listen"] = config.Listen,
            ["root"] = config.Root,
            ["state"] = config.State,
            ["registriesConf"] = config.RegistriesConf,
            ["cniConfDir"] = cni.Path,
            ["cniBinDir"] = new JsonArray([.. config.CniBinDirs.Select(d => (JsonNode?)d)]),
            ["streamAddress"] = config.StreamAddress,
            ["cgroupDriver"] = config.CgroupDriver,
            ["logLevel"] = config.LogLevel,
            ["podCidr"] = settings.Current.PodCidr,
            ["cniConfig"] = network.File,
            ["runtimes"] = runtimes,
        };
    }
}
