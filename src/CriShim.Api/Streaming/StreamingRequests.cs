using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Streaming;

namespace CriShim.Api.Streaming;

/// <summary>
/// The RPC half of Exec, Attach and PortForward: validates the request as kubelet's streaming server
/// does, lets the runtime check the container or pod, and hands out a single-use URL on the streaming
/// endpoint for the client to connect to.
/// </summary>
internal sealed class StreamingRequests(IContainerStreaming runtime, StreamTokens tokens, StreamingEndpoint endpoint)
{
    public ExecResponse Exec(ExecRequest request)
    {
        RequireStreams("Exec", request.ContainerId, request.Tty, request.Stdin, request.Stdout, request.Stderr);
        if (request.Cmd.Count == 0 || request.Cmd[0].Length == 0)
        {
            throw new InvalidArgumentException("Exec needs a command (cmd is empty)");
        }
        var id = runtime.CheckExec(request);
        var token = tokens.Mint(new ExecStreamRequest(id, request.Cmd.ToList(), request.Tty, request.Stdin, request.Stdout, request.Stderr));
        return new ExecResponse { Url = endpoint.Url("exec", token) };
    }

    public AttachResponse Attach(AttachRequest request)
    {
        RequireStreams("Attach", request.ContainerId, request.Tty, request.Stdin, request.Stdout, request.Stderr);
        var id = runtime.CheckAttach(request);
        var token = tokens.Mint(new AttachStreamRequest(id, request.Tty, request.Stdin, request.Stdout, request.Stderr));
        return new AttachResponse { Url = endpoint.Url("attach", token) };
    }

    public PortForwardResponse PortForward(PortForwardRequest request)
    {
        if (request.PodSandboxId.Length == 0)
        {
            throw new InvalidArgumentException("PortForward needs a pod_sandbox_id");
        }
        foreach (var port in request.Port.Where(p => p is <= 0 or > 65535))
        {
            throw new InvalidArgumentException($"PortForward: port {port} is not between 1 and 65535");
        }
        var id = runtime.CheckPortForward(request);
        var token = tokens.Mint(new PortForwardStreamRequest(id, request.Port.ToList()));
        return new PortForwardResponse { Url = endpoint.Url("portforward", token) };
    }

    private static void RequireStreams(string rpc, string containerId, bool tty, bool stdin, bool stdout, bool stderr)
    {
        if (containerId.Length == 0)
        {
            throw new InvalidArgumentException($"{rpc} needs a container_id");
        }
        if (tty && stderr)
        {
            throw new InvalidArgumentException($"{rpc}: tty and stderr cannot both be true (a terminal has one output stream)");
        }
        if (!stdin && !stdout && !stderr)
        {
            throw new InvalidArgumentException($"{rpc}: one of stdin, stdout or stderr must be set");
        }
    }
}
