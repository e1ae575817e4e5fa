using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Kubetrace.Exporters.Otlp;
using Kubetrace.Hosting;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Collector;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.Exporters;

/// <summary>How the test server answers one export call.</summary>
internal sealed record ScriptedAnswer(int HttpStatus, StatusCode GrpcStatus, string Message, TimeSpan? RetryAfter = null)
{
    public static ScriptedAnswer Unavailable(TimeSpan? retryAfter = null) =>
        new(503, StatusCode.Unavailable, "backend warming up", retryAfter);

    public static ScriptedAnswer Throttled(TimeSpan retryAfter) =>
        new(429, StatusCode.ResourceExhausted, "over quota", retryAfter);

    public static ScriptedAnswer BadData() => new(400, StatusCode.InvalidArgument, "span 3 has an empty trace id");
}

/// <summary>What the test server saw of one request.</summary>
internal sealed record SeenRequest(ExportTraceServiceRequest Body, string? ContentType, string? ContentEncoding,
    IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A small OTLP server on 127.0.0.1 (Kestrel, port 0): gRPC TraceService/Export on one listener, HTTP
/// POST /v1/traces on another. Each call is answered by <see cref="Script"/> (call number → failure or null for
/// success), so tests can make it fail N times, throttle, or refuse data.
/// </summary>
internal sealed class TestOtlpServer : IAsyncDisposable
{
    private readonly WebApplication _grpc;
    private readonly WebApplication _http;
    private int _calls;

    private TestOtlpServer(WebApplication grpc, WebApplication http)
    {
        _grpc = grpc;
        _http = http;
    }

    public Func<int, ScriptedAnswer?> Script { get; set; } = _ => null;

    /// <summary>Partial success reported in every successful answer, when set.</summary>
    public ExportTracePartialSuccess? PartialSuccess { get; set; }

    public ConcurrentQueue<SeenRequest> Accepted { get; } = new();

    public int Calls => _calls;

    /// <summary>host:port of the gRPC listener.</summary>
    public string GrpcEndpoint { get; private set; } = "";

    /// <summary>Base URL of the HTTP listener.</summary>
    public string HttpBaseUrl { get; private set; } = "";

    /// <param name="certificate">Serve HTTPS with this certificate instead of plain text.</param>
    public static async Task<TestOtlpServer> StartAsync(X509Certificate2? certificate = null)
    {
        TestOtlpServer? server = null;
        var grpc = Build(HttpProtocols.Http2, certificate, app =>
        {
            app.MapGrpcService<ExportService>();
        }, services => services.AddGrpc(), () => server!);
        var http = Build(HttpProtocols.Http1AndHttp2, certificate, app =>
        {
            app.MapPost("/v1/traces", context => server!.HandleHttp(context));
            app.MapPost("/custom/path", context => server!.HandleHttp(context));
        }, _ => { }, () => server!);
        server = new TestOtlpServer(grpc, http);
        await grpc.StartAsync();
        await http.StartAsync();
        server.GrpcEndpoint = new Uri(Address(grpc)).Authority;
        server.HttpBaseUrl = Address(http);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _grpc.StopAsync();
        await _http.StopAsync();
        await _grpc.DisposeAsync();
        await _http.DisposeAsync();
    }

    private static WebApplication Build(HttpProtocols protocols, X509Certificate2? certificate, Action<WebApplication> map,
        Action<IServiceCollection> services, Func<TestOtlpServer> server)
    {
        var builder = KestrelHost.CreateBuilder(NullLoggerFactory.Instance);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
        {
            l.Protocols = protocols;
            if (certificate is not null) l.UseHttps(certificate);
        }));
        builder.Services.AddSingleton(_ => server());
        services(builder.Services);
        var app = builder.Build();
        map(app);
        return app;
    }

    private static string Address(WebApplication app) => KestrelHost.BoundAddresses(app).Single();

    private ScriptedAnswer? NextAnswer() => Script(Interlocked.Increment(ref _calls));

    private async Task HandleHttp(HttpContext context)
    {
        var answer = NextAnswer();
        if (answer is not null)
        {
            context.Response.StatusCode = answer.HttpStatus;
            if (answer.RetryAfter is { } delay)
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(delay.TotalSeconds)).ToString();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"code":{{(int)answer.GrpcStatus}},"message":"{{answer.Message}}"}""");
            return;
        }
        var body = new MemoryStream();
        var input = context.Request.Headers.ContentEncoding == "gzip"
            ? new GZipStream(context.Request.Body, CompressionMode.Decompress)
            : context.Request.Body;
        await input.CopyToAsync(body);
        var json = context.Request.ContentType == "application/json";
        var request = json
            ? OtlpJson.ParseRequest(body.ToArray())
            : ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray());
        Accepted.Enqueue(new SeenRequest(request, context.Request.ContentType, context.Request.Headers.ContentEncoding.ToString(),
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));
        var response = new ExportTraceServiceResponse { PartialSuccess = PartialSuccess };
        context.Response.ContentType = json ? "application/json" : "application/x-protobuf";
        await context.Response.Body.WriteAsync(json ? OtlpJson.ToUtf8Bytes(response) : response.ToByteArray());
    }

    private sealed class ExportService(TestOtlpServer server) : TraceService.TraceServiceBase
    {
        public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            if (server.NextAnswer() is { } answer)
            {
                var trailers = new Metadata();
                if (answer.RetryAfter is { } delay)
                    trailers.Add(GrpcRetryInfo.TrailerKey, GrpcRetryInfo.Encode((int)answer.GrpcStatus, answer.Message, delay));
                throw new RpcException(new Status(answer.GrpcStatus, answer.Message), trailers);
            }
            var headers = context.RequestHeaders.Where(h => !h.IsBinary).GroupBy(h => h.Key)
                .ToDictionary(g => g.Key, g => g.First().Value);
            var encoding = context.GetHttpContext().Request.Headers["grpc-encoding"].ToString();
            server.Accepted.Enqueue(new SeenRequest(request, null, encoding, headers));
            return Task.FromResult(new ExportTraceServiceResponse { PartialSuccess = server.PartialSuccess });
        }
    }
}
