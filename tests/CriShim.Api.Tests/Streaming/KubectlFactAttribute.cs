namespace CriShim.Api.Tests.Streaming;

/// <summary>A test that drives the real Go client (kubectl's client-go); skipped where kubectl is not installed.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public const string Kubectl = "/usr/bin/kubectl";

    public KubectlFactAttribute()
    {
        if (!File.Exists(Kubectl))
        {
            Skip = $"{Kubectl} is not installed";
        }
    }
}
