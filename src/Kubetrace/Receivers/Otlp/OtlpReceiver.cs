using Kubetrace.Components;
using Kubetrace.Extensions.Auth;
using Kubetrace.Hosting;
using Kubetrace.Pipeline;
using Kubetrace.Receivers.Otlp.Admission;
using Kubetrace.Receivers.Otlp.Grpc;
using Kubetrace.Receivers.Otlp.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Receivers.Otlp;

/// <summary>
/// The <c>otlp</c> receiver: OTLP/gRPC and OTLP/HTTP listeners, each on its own Kestrel host, feeding one consumer.
/// </summary>
/// <remarks>
/// Shutdown stops accepting connections and lets in-flight exports finish (until the shutdown token fires), so
/// every request either gets its answer or fails at the client, which then retries: nothing acknowledged is lost.
/// </remarks>
public sealed class OtlpReceiver : IReceiver
{
    private readonly ComponentSettings _settings;
    private readonly OtlpReceiverConfig _config;
    private readonly ITraceConsumer _next;
    private readonly ILogger _logger;
    private readonly List<WebApplication> _hosts = [];
    private int _shutdown;

    public OtlpReceiver(ComponentSettings settings, OtlpReceiverConfig config, ITraceConsumer next)
    {
        _settings = settings;
        _config = config;
        _next = next;
        _logger = settings.CreateLogger();
    }

    /// <summary>The address the gRPC listener is bound to once started (e.g. <c>http://127.0.0.1:43117</c>); null if off.</summary>
    public Uri? GrpcAddress { get; private set; }

    /// <summary>The address the HTTP listener is bound to once started; null if off.</summary>
    public Uri? HttpAddress { get; private set; }

    /// <summary>The connection limits the gRPC listener applies once started, read back from its Kestrel; null if off.</summary>
    public ConnectionLimits? GrpcLimits { get; private set; }

    /// <summary>The connection limits the HTTP listener applies once started, read back from its Kestrel; null if off.</summary>
    public ConnectionLimits? HttpLimits { get; private set; }

    /// <summary>The in-flight bytes budget both listeners share, once started.</summary>
    public InFlightBytes? InFlight { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var id = _settings.Id.ToString();
        // One budget for both protocols: what bounds memory is the total held, whichever way it came in.
        var inFlight = InFlight = new InFlightBytes(_config.Admission.RequestLimitBytes, _settings.Metrics.Counter("kubetrace_receiver_refused_requests",
            "Requests refused because the in-flight bytes budget (admission.request_limit_mib) was full or memory was short (memory_limiter).",
            ("receiver", id)), () => _settings.MemoryPressure.IsHigh);
        _settings.Metrics.Gauge("kubetrace_receiver_in_flight_bytes", "Decompressed request bytes the receiver holds now.",
            () => inFlight.InUse, ("receiver", id));
        var unstorable = ITenantRule.Combined(_settings.Directory.All<ITenantRule>());
        try
        {
            if (_config.Protocols.Grpc is { } grpc)
            {
                ExposureWarning.Check(_logger, $"Receiver {_settings.Id} (OTLP/gRPC)", grpc.Endpoint, grpc.Tls is not null, grpc.Auth is not null);
                var exports = new TraceExportService(_next, new ReceiverMetrics(_settings.Metrics, id, "grpc"), _logger, _config.SpanLimits.ToLimits())
                    { MultitenancyEnabled = _settings.MultitenancyEnabled, UnstorableTenant = unstorable };
                var host = GrpcTraceServer.Build(grpc, exports, inFlight, AuthenticationConfig.Resolve(grpc.Auth, _settings.Directory), _settings.LoggerFactory);
                GrpcAddress = await StartHostAsync(host, "OTLP/gRPC", grpc.Endpoint, "", cancellationToken).ConfigureAwait(false);
                GrpcLimits = KestrelHost.AppliedLimits(host);
            }
            if (_config.Protocols.Http is { } http)
            {
                ExposureWarning.Check(_logger, $"Receiver {_settings.Id} (OTLP/HTTP)", http.Endpoint, http.Tls is not null, http.Auth is not null);
                var exports = new TraceExportService(_next, new ReceiverMetrics(_settings.Metrics, id, "http"), _logger, _config.SpanLimits.ToLimits())
                    { MultitenancyEnabled = _settings.MultitenancyEnabled, UnstorableTenant = unstorable };
                var host = HttpTraceServer.Build(http, exports, inFlight, AuthenticationConfig.Resolve(http.Auth, _settings.Directory), _settings.LoggerFactory);
                HttpAddress = await StartHostAsync(host, "OTLP/HTTP", http.Endpoint, $" (POST {http.TracesUrlPath})", cancellationToken).ConfigureAwait(false);
                HttpLimits = KestrelHost.AppliedLimits(host);
            }
        }
        catch
        {
            await ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _shutdown, 1) == 1) return;
        // Stop in parallel: each host first stops accepting, then waits for its in-flight requests.
        await Task.WhenAll(_hosts.Select(host => StopAsync(host, cancellationToken))).ConfigureAwait(false);
        _hosts.Clear();
    }

    private async Task<Uri> StartHostAsync(WebApplication host, string protocol, string endpoint, string detail, CancellationToken cancellationToken)
    {
        _hosts.Add(host);
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new IOException($"receiver {_settings.Id}: cannot listen for {protocol} on {endpoint}: {e.Message}", e);
        }
        var addresses = KestrelHost.BoundAddresses(host);
        _logger.LogInformation("Receiver {Id} listening for {Protocol} on {Addresses}{Detail}", _settings.Id, protocol, string.Join(", ", addresses), detail);
        return new Uri(addresses[0]);
    }

    private static async Task StopAsync(WebApplication host, CancellationToken cancellationToken)
    {
        try
        {
            await host.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }
    }
}
