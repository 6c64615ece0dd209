using System.Net;
using System.Net.Sockets;

namespace CriShim.NativeTests.Infrastructure;

/// <summary>
/// A TCP forwarder on 127.0.0.1 in front of a real server that, while <see cref="CutAfterBytes"/> is
/// set, drops every connection once that many response bytes have passed: the server going away
/// in the middle of a transfer, at a point the test chooses. With <see cref="Stall"/> it keeps the
/// connections open instead and sends nothing more: a registry that hangs mid-transfer.
/// </summary>
public sealed class CuttingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _upstreamPort;
    private readonly Task _accepting;
    private long _forwarded;

    public CuttingProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Response bytes after which connections are dropped; null forwards everything.</summary>
    public long? CutAfterBytes { get; set; }

    /// <summary>Past <see cref="CutAfterBytes"/>, hold the connection silently instead of dropping it.</summary>
    public bool Stall { get; set; }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using var _ = client;
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
            using var cut = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = client.GetStream().CopyToAsync(upstream.GetStream(), cut.Token);
            var down = CopyDownAsync(upstream.GetStream(), client.GetStream(), cut.Token);
            await Task.WhenAny(up, down);
            cut.Cancel();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task CopyDownAsync(Stream from, Stream to, CancellationToken cancel)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, cancel)) > 0)
        {
            var total = Interlocked.Add(ref _forwarded, read);
            if (CutAfterBytes is { } limit && total > limit)
            {
                if (Stall)
                {
                    await Task.Delay(Timeout.Infinite, cancel);
                }
                return;
            }
            await to.WriteAsync(buffer.AsMemory(0, read), cancel);
        }
    }
}
