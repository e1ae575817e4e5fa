using Kubetrace.Hosting;
using Kubetrace.Service;
using Kubetrace.Tests.Receivers;
using Microsoft.AspNetCore.Builder;

namespace Kubetrace.Tests.Hosting;

/// <summary>
/// Every kind of listener (OTLP/HTTP, OTLP/gRPC, and the small servers behind query, metrics and health_check) runs
/// with exactly the configured limits (read back from its Kestrel: 1 s and 2 connections here, where Kestrel's own
/// defaults are 30 s, 130 s and unlimited), drops a client that never finishes its headers with the header timeout's
/// 408, closes an idle keep-alive connection, and closes connections beyond its maximum. No test sleeps or bounds how
/// soon something happens: each waits for the outcome.
/// </summary>
public sealed class ConnectionLimitsTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);

    private const string HttpRequest = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n";

    /// <summary>The HTTP/2 connection preface and an empty SETTINGS frame: what a gRPC client says first.</summary>
    private const string Http2Hello = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\u0004\0\0\0\0\0";

    /// <param name="Applied">The limits the running listener's Kestrel holds.</param>
    private sealed record Listener(Uri Address, string Hello, ConnectionLimits Applied, IAsyncDisposable Server) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    public static TheoryData<string> Kinds => new() { "otlp http", "otlp grpc", "small server" };

    public static TheoryData<string> Http1Kinds => new() { "otlp http", "small server" };

    /// <param name="idle">The idle timeout; long where a test needs its connections to stay.</param>
    private static async Task<Listener> StartAsync(string kind, TimeSpan? idle = null)
    {
        var idleTimeout = idle ?? Short;
        if (kind == "small server")
        {
            var server = await SmallHttpServer.StartAsync("127.0.0.1:0", null, app => app.MapGet("/ping", () => "pong"), default,
                new ConnectionLimits(Short, idleTimeout, MaxConcurrentConnections: 2));
            return new Listener(new Uri(server.Urls[0]), HttpRequest, server.Limits, server);
        }
        var receiver = await RunningReceiver.StartAsync(c =>
        {
            c.Protocols.Http!.ReadHeaderTimeout = Short;
            c.Protocols.Http.IdleTimeout = idleTimeout;
            c.Protocols.Http.MaxConcurrentConnections = 2;
            c.Protocols.Grpc!.Keepalive.ServerParameters.MaxConnectionIdle = idleTimeout;
            c.Protocols.Grpc.MaxConcurrentConnections = 2;
        });
        return kind == "otlp http"
            ? new Listener(receiver.TracesUrl, HttpRequest, receiver.Receiver.HttpLimits!, receiver)
            : new Listener(receiver.GrpcAddress, Http2Hello, receiver.Receiver.GrpcLimits!, receiver);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Each_listener_runs_with_exactly_the_configured_limits(string kind)
    {
        await using var listener = await StartAsync(kind);

        // HTTP/2 clients send their headers at once: gRPC's header timeout is a fixed 10 s, not configured.
        var headerTimeout = kind == "otlp grpc" ? TimeSpan.FromSeconds(10) : Short;
        Assert.Equal(new ConnectionLimits(headerTimeout, Short, MaxConcurrentConnections: 2), listener.Applied);
    }

    [Theory]
    [MemberData(nameof(Http1Kinds))]
    public async Task A_client_that_never_finishes_its_headers_is_dropped(string kind)
    {
        await using var listener = await StartAsync(kind);
        using var slowloris = await HeldConnection.OpenAsync(listener.Address, "GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow");

        await Wait.UntilAsync(() => slowloris.IsClosed, "the server dropped the client");
        Assert.StartsWith("HTTP/1.1 408 Request Timeout\r\n", slowloris.Received); // the header timeout's answer
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task An_idle_keep_alive_connection_is_closed(string kind)
    {
        await using var listener = await StartAsync(kind);
        using var idle = await HeldConnection.OpenAsync(listener.Address, listener.Hello);
        await Wait.UntilAsync(() => idle.Received.Length > 0, "the server answered");

        await Wait.UntilAsync(() => idle.IsClosed, "the server closed the idle connection");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_connection_beyond_the_maximum_is_closed_unanswered_and_a_freed_place_is_given_again(string kind)
    {
        await using var listener = await StartAsync(kind, idle: TimeSpan.FromMinutes(5));
        using var first = await HeldConnection.OpenAsync(listener.Address, listener.Hello);
        var second = await HeldConnection.OpenAsync(listener.Address, listener.Hello);
        await Wait.UntilAsync(() => first.Received.Length > 0 && second.Received.Length > 0, "the first two connections are served");

        using (var third = await HeldConnection.OpenAsync(listener.Address, listener.Hello))
        {
            await Wait.UntilAsync(() => third.IsClosed, "the server closed the third connection");
            Assert.Equal("", third.Received);
        }

        second.Dispose();
        // The server notices the close a moment later; until then a new connection is still one too many.
        var next = await HeldConnection.OpenAsync(listener.Address, listener.Hello);
        await Wait.UntilAsync(async () =>
        {
            if (next.Received.Length > 0) return true;
            if (!next.IsClosed) return false;
            next.Dispose();
            next = await HeldConnection.OpenAsync(listener.Address, listener.Hello);
            return false;
        }, "a connection is served again once one closed");
        next.Dispose();
    }
}
