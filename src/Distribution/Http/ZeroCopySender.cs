using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeRegistry.Distribution.Http;

/// <summary>
/// Sends a whole file with the kernel's sendfile, the way nginx and Go's net/http do, instead of copying
/// it through user space as Kestrel's SendFileAsync does. Kestrel has no zero-copy path, so the response
/// head is written here and the file handed to <see cref="Socket.SendFileAsync(string?, ReadOnlyMemory{byte}, ReadOnlyMemory{byte}, TransmitFileOptions, CancellationToken)"/>
/// on the connection's own socket; the connection is then closed (<c>Connection: close</c>), so Kestrel
/// never writes after us. Only safe where nothing else can be on the wire: plain HTTP/1.1 and the first
/// request of its connection (an earlier response could still sit in Kestrel's output pipe). The origin
/// uses it for blobs in local storage, the edge for completed cache files.
/// </summary>
public static class ZeroCopySender
{
    private static readonly object ConnectionUsedMarker = new();

    private static readonly object FirstRequestItem = new();

    /// <summary>
    /// Middleware body run for every request of the server: records in the request whether it is the
    /// first of its connection, and marks the connection as used.
    /// </summary>
    public static Task MarkConnectionOrder(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<IConnectionItemsFeature>()?.Items is { } items && items.TryAdd(ConnectionUsedMarker, true))
        {
            context.Items[FirstRequestItem] = true;
        }

        return next(context);
    }

    /// <summary>True when <see cref="MarkConnectionOrder"/> saw this request as its connection's first.</summary>
    public static bool IsFirstRequestOnConnection(HttpContext context) => context.Items.ContainsKey(FirstRequestItem);

    /// <summary>
    /// True when <see cref="TrySendAsync"/> would take the sendfile path for this request: the first of its
    /// connection (<paramref name="firstRequest"/>), plain HTTP/1.1, and a socket Kestrel exposes.
    /// </summary>
    public static bool CanSend(HttpContext context, bool firstRequest) =>
        firstRequest
        && HttpProtocol.IsHttp11(context.Request.Protocol)
        && context.Features.Get<ITlsConnectionFeature>() is null
        && context.Features.Get<IConnectionSocketFeature>()?.Socket is not null;

    /// <summary>
    /// Tries to send <paramref name="file"/> whole as a 200 with the headers already set on the response.
    /// Returns false (and has written nothing) when the connection does not allow it.
    /// </summary>
    public static async Task<bool> TrySendAsync(HttpContext context, bool firstRequest, string file, long length, CancellationToken cancellationToken)
    {
        if (!CanSend(context, firstRequest) || context.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
        {
            return false;
        }

        var head = ResponseHead(context.Response, length);
        try
        {
            await socket.SendFileAsync(file, head, ReadOnlyMemory<byte>.Empty, TransmitFileOptions.UseDefaultWorkerThread, cancellationToken);

            // sendfile returns once the bytes are queued in the kernel, not delivered. Closing now would be
            // abortive (Kestrel has a receive pending) and drop the queue with a RST. So: FIN after the queued
            // bytes, then wait for the client, which closes when it has read Content-Length bytes.
            socket.Shutdown(SocketShutdown.Send);
            await WaitForClientCloseAsync(context.RequestAborted, DrainTimeout(length));
        }
        finally
        {
            // Kestrel must write nothing more on this connection.
            context.Abort();
        }

        return true;
    }

    /// <summary>Generous: a client reading at 10 MB/s, plus half a minute.</summary>
    private static TimeSpan DrainTimeout(long length) => TimeSpan.FromSeconds(30 + (length / 10_000_000));

    private static async Task WaitForClientCloseAsync(CancellationToken clientClosed, TimeSpan timeout)
    {
        try
        {
            await Task.Delay(timeout, clientClosed);
        }
        catch (OperationCanceledException)
        {
            // The client closed: everything it wanted was delivered.
        }
    }

    private static byte[] ResponseHead(HttpResponse response, long length)
    {
        var head = new StringBuilder(512);
        head.Append("HTTP/1.1 200 OK\r\n");
        head.Append("Date: ").Append(DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
        foreach (var (name, values) in response.Headers)
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var value in values)
            {
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        head.Append("Content-Length: ").Append(length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        head.Append("Connection: close\r\n\r\n");
        return Encoding.ASCII.GetBytes(head.ToString());
    }
}
