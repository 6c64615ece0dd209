using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Network;

/// <summary>
/// The <c>CNI_ARGS</c> value Kubernetes runtimes pass: the pod's identity as <c>K=V</c> pairs joined
/// by <c>;</c>, with <c>IgnoreUnknown=1</c> so plugins that do not know a key still accept it.
/// </summary>
public static class CniArgs
{
    public static string For(PodNetworkRequest request)
    {
        (string Key, string Value)[] pairs =
        [
            ("IgnoreUnknown", "1"),
            ("K8S_POD_NAMESPACE", request.PodNamespace),
            ("K8S_POD_NAME", request.PodName),
            ("K8S_POD_INFRA_CONTAINER_ID", request.SandboxId),
            ("K8S_POD_UID", request.PodUid),
        ];
        foreach (var (key, value) in pairs)
        {
            // The format has no escaping: these characters would split or corrupt the list.
            if (value.IndexOfAny([';', '=', '\0']) >= 0)
            {
                throw new InvalidArgumentException($"{key} '{value}' cannot be passed to CNI plugins: it contains ';', '=' or NUL");
            }
        }
        return string.Join(';', pairs.Select(p => $"{p.Key}={p.Value}"));
    }
}
