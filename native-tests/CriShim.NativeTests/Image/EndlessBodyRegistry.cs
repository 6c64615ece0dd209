using System.Net;
using CriShim.NativeTests.Infrastructure;

namespace CriShim.NativeTests.Image;

/// <summary>
/// A hostile registry on 127.0.0.1 whose token endpoint, or whose error answer, is a body that never
/// ends (chunked, up to 4 GiB): a client that reads it whole hangs and grows without bound.
/// </summary>
public sealed class EndlessBodyRegistry : IAsyncDisposable
{
    public enum Endless { Token, Error }

    private readonly HttpListener _listener = new();
    private readonly Endless _endless;
    private readonly Task _serving;
    private long _bytesSent;

    public EndlessBodyRegistry(Endless endless)
    {
        _endless = endless;
        Port = TestRegistry.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port { get; }
    public string Host => $"127.0.0.1:{Port}";
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = AnswerAsync(context);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var path = context.Request.Url!.AbsolutePath;
            if (_endless == Endless.Token && path.StartsWith("/v2/", StringComparison.Ordinal))
            {
                response.StatusCode = 401;
                response.AddHeader("WWW-Authenticate", $"Bearer realm=\"http://{Host}/token\",service=\"endless\"");
                response.Close();
                return;
            }
            response.StatusCode = path == "/token" ? 200 : 500;
            response.ContentType = "application/json";
            response.SendChunked = true;
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'x');
            for (var sent = 0L; sent < 4L << 30; sent += chunk.Length)
            {
                await response.OutputStream.WriteAsync(chunk);
                Interlocked.Add(ref _bytesSent, chunk.Length);
            }
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            response.Abort();
        }
    }
}
