namespace CriShim.NativeTests.Infrastructure;

/// <summary>
/// The real Kubernetes clients some tests drive (kubelet, crictl). None is a Debian 12 package: a test finds
/// one through its environment variable (<c>KUBELET</c>, <c>CRICTL</c>), then <c>PATH</c>, then
/// <c>../shared/tools/bin/</c> beside the checkout (where CI keeps them), and is skipped, saying so, without.
/// </summary>
public static class KubernetesTools
{
    public static string? Find(string name, string variable)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } explicitPath)
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : null;
        }
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        var shared = Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "tools", "bin", name));
        return File.Exists(shared) ? shared : null;
    }

    /// <summary>Why a test that needs <paramref name="name"/> (and root) cannot run here, or null when it can.</summary>
    public static string? WhyNot(string name, string variable)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return $"needs root: the tests drive the real crishim daemon under {name}";
        }
        if (Find(name, variable) is not null)
        {
            return null;
        }
        return Environment.GetEnvironmentVariable(variable) is { Length: > 0 } set
            ? $"{variable}={set} does not exist"
            : $"no {name}: set {variable}=/path/to/{name}, put it on PATH or in ../shared/tools/bin beside the checkout";
    }
}
