using System.Text.Json;
using CriShim.Contract;
using CriShim.Protocol.V1;

namespace CriShim.Runtime.Container;

/// <summary>
/// The typed form of a <see cref="ContainerRecord"/>: its CRI config and execution spec, parsed once when the
/// container is created or loaded, so status, list and exec answer from memory. Never mutated.
/// </summary>
public sealed class ContainerDetails
{
    public ContainerDetails(ContainerConfig config, ContainerProcessSpec? spec)
    {
        Config = config;
        Spec = spec;
        User = spec is null ? null : UserOf(spec);
    }

    public ContainerConfig Config { get; }

    /// <summary>What the helper runs; null when spec.json was never written (a create that crashed) or cannot be read.</summary>
    public ContainerProcessSpec? Spec { get; }

    /// <summary>The identity the process runs with, resolved at create time.</summary>
    public ContainerUser? User { get; }

    /// <summary>Parses the stored record and reads its spec file: at start-up, once per container.</summary>
    public static ContainerDetails Load(ContainerRecord record) => new(ParseConfig(record.ConfigJson), ReadSpec(record.SpecFile));

    private static ContainerConfig ParseConfig(string json)
    {
        try
        {
            return ContainerConfig.Parser.ParseJson(json);
        }
        catch (Google.Protobuf.InvalidJsonException)
        {
            return new ContainerConfig();
        }
    }

    private static ContainerProcessSpec? ReadSpec(string specFile)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(specFile), ContainerJsonContext.Default.ContainerProcessSpec);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static ContainerUser UserOf(ContainerProcessSpec spec)
    {
        var linux = new LinuxContainerUser { Uid = spec.Process.User.Uid, Gid = spec.Process.User.Gid };
        linux.SupplementalGroups.AddRange(spec.Process.User.AdditionalGids.Select(g => (long)g));
        return new ContainerUser { Linux = linux };
    }
}
