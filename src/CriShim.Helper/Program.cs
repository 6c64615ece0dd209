using CriShim.Helper;

// One binary, one mode per invocation; the daemon runs it, never the other way round.
return args switch
{
    ["pause"] => PauseMode.Run(seccomp: false),
    ["pause", PauseMode.SeccompArgument] => PauseMode.Run(seccomp: true),
    ["pause-confined", var lastCapability, .. var rest] when rest is [] or [PauseMode.SeccompArgument] =>
        PauseMode.RunConfined(int.Parse(lastCapability, System.Globalization.CultureInfo.InvariantCulture), rest is [_]),
    ["sandbox-init", var requestFile] => SandboxInitMode.Run(requestFile),
    [SandboxInitMode.UserNamespaceMode] => SandboxInitMode.RunInUserNamespace(),
    ["container-start", var specFile] => CriShim.Helper.Container.ContainerStartMode.Run(specFile),
    ["container-monitor", var specFile] => CriShim.Helper.Monitor.ContainerMonitorMode.Run(specFile),
    ["container-init", var specFile, var lastCapability, .. var rest] when rest is [] or [CriShim.Helper.Container.ContainerUserNamespaceStage.Argument] =>
        CriShim.Helper.Container.ContainerInitMode.Run(specFile, int.Parse(lastCapability, System.Globalization.CultureInfo.InvariantCulture), rest is [_]),
    [CriShim.Helper.Container.ContainerUserNamespaceStage.Mode, var lastCapability] =>
        CriShim.Helper.Container.ContainerUserNamespaceStage.Run(int.Parse(lastCapability, System.Globalization.CultureInfo.InvariantCulture)),
    ["exec", var specFile] => CriShim.Helper.Exec.ExecMode.Run(specFile),
    ["exec-init", var specFile, var lastCapability, .. var rest] when rest is [] or [CriShim.Helper.Container.ContainerUserNamespaceStage.Argument] =>
        CriShim.Helper.Exec.ExecInitMode.Run(specFile, int.Parse(lastCapability, System.Globalization.CultureInfo.InvariantCulture), rest is [_]),
    ["exec-stream", var specFile, var socket] => CriShim.Helper.Exec.ExecStreamMode.Run(specFile, socket),
    ["netns-socket", var netnsPath] => CriShim.Helper.NetnsSocketMode.Run(netnsPath),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: crishim-runtime pause | sandbox-init <request.json> | container-start <spec.json> | exec <spec.json> | exec-stream <spec.json> <socket> | netns-socket <netns>");
    return 2;
}
