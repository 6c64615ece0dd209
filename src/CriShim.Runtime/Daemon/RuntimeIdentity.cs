using System.Reflection;

namespace CriShim.Runtime.Daemon;

/// <summary>What <c>Version</c> reports: the CRI API level and this build.</summary>
public static class RuntimeIdentity
{
    public const string Name = "crishim";
    public const string KubeletApiVersion = "0.1.0";
    public const string RuntimeApiVersion = "v1";

    public static string RuntimeVersion { get; } =
        typeof(RuntimeIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(RuntimeIdentity).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";
}
