using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CriShim.Api.Http2;

/// <summary>
/// Connection middleware that puts an <see cref="AuthorityRewriter"/> between the socket and Kestrel's HTTP/2
/// parser, so that clients which send the unix socket path as <c>:authority</c> are served.
/// </summary>
public static class AuthorityRewritingMiddleware
{
    // Far above Kestrel's own header limits (32 KiB by default), so Kestrel stays the one that refuses
    // oversized requests; this only bounds what one connection can make the rewriter buffer and expand.
    private const int MaxHeaderBlockSize = 1024 * 1024;

    /// <summary>
    /// Rewrites a client <c>:authority</c> that is not a valid host to <c>localhost</c> on this HTTP/2
    /// endpoint. It must see plaintext: on an endpoint with TLS it would go after <c>UseHttps</c>.
    /// </summary>
    public static ListenOptions UseAuthorityRewriting(this ListenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Use(next => connection =>
        {
            // Clients size their dynamic table to what Kestrel advertises.
            var tableSize = options.KestrelServerOptions.Limits.Http2.HeaderTableSize;
            return RunAsync(connection, next, new AuthorityRewriter(tableSize, MaxHeaderBlockSize));
        });
        return options;
    }

    internal static async Task RunAsync(ConnectionContext connection, ConnectionDelegate next, AuthorityRewriter rewriter)
    {
        var transport = connection.Transport;
        var rewritten = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var pump = PumpAsync(transport.Input, rewritten.Writer, rewriter);
        connection.Transport = new RewrittenTransport(rewritten.Reader, transport.Output);
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;

            // Kestrel is done with the connection: stop waiting for client bytes nobody will read.
            await rewritten.Reader.CompleteAsync();
            transport.Input.CancelPendingRead();
            await pump;
        }
    }

    private static async Task PumpAsync(PipeReader source, PipeWriter target, AuthorityRewriter rewriter)
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var read = await source.ReadAsync();
                if (read.IsCanceled)
                {
                    break;
                }

                var consumed = rewriter.Rewrite(read.Buffer, target);
                source.AdvanceTo(consumed, read.Buffer.End);
                var flush = await target.FlushAsync();
                if (read.IsCompleted || flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            // Kestrel's next read fails with this, and it ends the connection with GOAWAY.
            failure = ex;
        }

        await target.CompleteAsync(failure);
        await source.CompleteAsync();
    }

    private sealed class RewrittenTransport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
