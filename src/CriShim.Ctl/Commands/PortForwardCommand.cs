using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CriShim.Protocol.V1;
using CriShim.Streaming.Client;

namespace CriShim.Ctl.Commands;

/// <summary>
/// <c>crictl port-forward</c>: listens on 127.0.0.1:LOCAL and forwards every connection to REMOTE in
/// the pod over one SPDY session, until interrupted.
/// </summary>
internal sealed class PortForwardCommand : ICommand
{
    public string Name => "port-forward";
    public string Summary => "Forward local ports to a pod: port-forward POD [LOCAL:]REMOTE [...]";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        if (args.Count < 2)
        {
            throw new ArgumentException("port-forward needs a pod id and at least one [LOCAL:]REMOTE port");
        }
        var mappings = args.Skip(1).Select(Parse).ToList();
        var request = new PortForwardRequest { PodSandboxId = args[0] };
        request.Port.AddRange(mappings.Select(m => m.Remote));
        var url = (await context.Cri.Runtime.PortForwardAsync(request, context.Call())).Url;
        await using var client = await PortForwardClient.ConnectAsync(new Uri(url));
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        var listeners = new List<Task>();
        foreach (var (local, remote) in mappings)
        {
            var listener = new TcpListener(IPAddress.Loopback, local);
            listener.Start();
            context.Output.WriteLine($"Forwarding from 127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port} -> {remote}");
            listeners.Add(ServeAsync(listener, client, remote, context.Output, stop.Token));
        }
        try
        {
            await Task.WhenAll(listeners);
        }
        catch (OperationCanceledException)
        {
            // Interrupted: the way port-forward ends.
        }
        return 0;
    }

    internal static (int Local, int Remote) Parse(string mapping)
    {
        var parts = mapping.Split(':');
        if (parts.Length is < 1 or > 2 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 65535))
        {
            throw new ArgumentException($"'{mapping}' is not [LOCAL:]REMOTE");
        }
        var ports = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return ports.Length == 1 ? (ports[0], ports[0]) : (ports[0], ports[1]);
    }

    private static async Task ServeAsync(TcpListener listener, PortForwardClient client, int remote, TextWriter output, CancellationToken stop)
    {
        using (listener)
        {
            while (true)
            {
                var accepted = await listener.AcceptTcpClientAsync(stop);
                _ = Task.Run(() => ForwardAsync(accepted, client, remote, output, stop), stop);
            }
        }
    }

    private static async Task ForwardAsync(TcpClient local, PortForwardClient client, int remote, TextWriter output, CancellationToken stop)
    {
        using (local)
        {
            try
            {
                var connection = await client.OpenAsync(remote, stop);
                await using var data = connection.Data;
                var network = local.GetStream();
                var up = CopyAsync(network, data, () => data.CloseWriteAsync(stop), stop);
                var down = CopyAsync(data, network, () =>
                {
                    local.Client.Shutdown(SocketShutdown.Send);
                    return Task.CompletedTask;
                }, stop);
                await Task.WhenAll(up, down);
                if (await connection.Error is { } message)
                {
                    await output.WriteLineAsync($"crishimctl: {message}");
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                await output.WriteLineAsync($"crishimctl: connection to port {remote} ended: {e.Message}");
            }
        }
    }

    private static async Task CopyAsync(Stream from, Stream to, Func<Task> close, CancellationToken cancel)
    {
        var buffer = new byte[32 * 1024];
        int n;
        while ((n = await from.ReadAsync(buffer, cancel)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, n), cancel);
        }
        await close();
    }
}
