using System.Net;
using Kubetrace.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Bench.Sink;

/// <summary>
/// The ceiling of the machine: a bare Kestrel server that reads each trace export body to the end and answers an
/// empty success, decoding nothing. Under the same load, what a real receiver achieves reads as a fraction of
/// this. Like the otlp receiver it has a gRPC port (cleartext HTTP/2 with prior knowledge, which Kestrel only
/// serves on an HTTP/2-only endpoint) and an optional OTLP/HTTP port (HTTP/1.1).
/// </summary>
internal sealed class OtlpSink : IAsyncDisposable
{
    public const string GrpcExportPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    public const string HttpTracesPath = "/v1/traces";

    // An empty ExportTraceServiceResponse in a gRPC frame: not compressed, length 0.
    private static readonly byte[] EmptyGrpcMessage = [0, 0, 0, 0, 0];

    private readonly WebApplication _app;
    private long _requests;
    private long _bytes;

    private OtlpSink(WebApplication app) => _app = app;

    /// <summary>Requests answered so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Request body bytes read so far, as they came (gRPC framing and compression included).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The gRPC address actually bound (port 0 becomes the port the system chose).</summary>
    public IPEndPoint GrpcEndpoint => (IPEndPoint)_grpcListen!.EndPoint;

    /// <summary>The OTLP/HTTP address actually bound, when one was asked for.</summary>
    public IPEndPoint? HttpEndpoint => (IPEndPoint?)_httpListen?.EndPoint;

    private ListenOptions? _grpcListen;
    private ListenOptions? _httpListen;

    public static async Task<OtlpSink> StartAsync(IPEndPoint grpcEndpoint, IPEndPoint? httpEndpoint = null,
        CancellationToken cancellationToken = default)
    {
        // The service's own host builder (no framework logging, no console lifetime); the one request delegate below
        // is the whole pipeline, so nothing else runs per request.
        var builder = KestrelHost.CreateBuilder(NullLoggerFactory.Instance);
        ListenOptions? grpcListen = null, httpListen = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // counting only: no body is held in memory
            // The otlp receiver's HTTP/2 flow-control windows, so that the ceiling differs from it only in the work.
            kestrel.Limits.Http2.InitialStreamWindowSize = 1024 * 1024;
            kestrel.Limits.Http2.InitialConnectionWindowSize = 2 * 1024 * 1024;
            kestrel.Listen(grpcEndpoint, listen => (grpcListen = listen).Protocols = HttpProtocols.Http2);
            if (httpEndpoint is not null)
                kestrel.Listen(httpEndpoint, listen => (httpListen = listen).Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        var sink = new OtlpSink(app);
        app.Run(sink.HandleAsync);
        await app.StartAsync(cancellationToken);
        sink._grpcListen = grpcListen;
        sink._httpListen = httpListen;
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        var grpc = path == GrpcExportPath;
        if (!HttpMethods.IsPost(context.Request.Method) || (!grpc && path != HttpTracesPath))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var reader = context.Request.BodyReader;
        long length = 0;
        while (true)
        {
            var read = await reader.ReadAsync(context.RequestAborted);
            length += read.Buffer.Length;
            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted) break;
        }
        Interlocked.Add(ref _bytes, length);
        Interlocked.Increment(ref _requests);

        if (grpc)
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(EmptyGrpcMessage, context.RequestAborted);
            context.Response.AppendTrailer("grpc-status", "0");
        }
        else
        {
            context.Response.ContentType = "application/x-protobuf";
        }
    }
}
