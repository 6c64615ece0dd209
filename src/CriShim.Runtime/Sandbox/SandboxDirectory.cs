namespace CriShim.Runtime.Sandbox;

/// <summary>The volatile files of one sandbox under <c>{state}/sandboxes/&lt;id&gt;/</c>.</summary>
public sealed record SandboxDirectory(string Path)
{
    public static SandboxDirectory For(string stateRoot, string id) => new(System.IO.Path.Combine(stateRoot, "sandboxes", id));

    /// <summary>Pinned namespaces: <c>ns/net</c>, <c>ns/ipc</c>, <c>ns/uts</c>, <c>ns/pid</c>.</summary>
    public string Namespaces => System.IO.Path.Combine(Path, "ns");

    /// <summary>The pod's /dev/shm (a tmpfs) that containers mount.</summary>
    public string Shm => System.IO.Path.Combine(Path, "shm");

    public string Hostname => System.IO.Path.Combine(Path, "hostname");
    public string ResolvConf => System.IO.Path.Combine(Path, "resolv.conf");
    public string Hosts => System.IO.Path.Combine(Path, "hosts");

    /// <summary>The request handed to <c>crishim-runtime sandbox-init</c>.</summary>
    public string InitRequest => System.IO.Path.Combine(Path, "init.json");
}
