using System.Diagnostics;
using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Tests.EndToEnd.Harness;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Resource = Kubetrace.Otlp.Proto.Resource.Resource;
using Status = Kubetrace.Otlp.Proto.Trace.Status;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>
/// The OpenTelemetry .NET SDK with its OTLP exporter, sending one fixed nested trace (server → client →
/// internal) that uses every attribute type, events, links, trace state and an error status. Times are given
/// explicitly so the expected nanoseconds are known exactly (.NET time has 100 ns ticks).
/// </summary>
internal static class DotnetSdkClient
{
    public const string ScopeName = "kubetrace.e2e.dotnet";
    public const string ScopeVersion = "4.5.6";

    private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    private static readonly KeyValuePair<string, object>[] ResourceAttributes =
    [
        new("k8s.cluster.name", "kind-e2e"),
        new("k8s.node.count", 3L),
        new("host.arm64", false),
        new("cluster.load", 0.75),
    ];

    private static readonly KeyValuePair<string, object>[] ServerAttributes =
    [
        new("http.request.method", "GET"),
        new("http.response.status_code", 200L),
        new("apiserver.cache.hit", true),
        new("apiserver.latency.ratio", 0.25),
        new("k8s.resource.names", new[] { "pods", "pods/status" }),
        new("retry.delays.ms", new long[] { 10, 20, 40 }),
        new("quantiles", new[] { 0.5, 0.99 }),
        new("feature.gates", new[] { true, false }),
    ];

    private static readonly KeyValuePair<string, object>[] ClientAttributes =
    [
        new("db.system.name", "etcd"),
        new("etcd.key", "/registry/pods/default/nginx-7f8d"),
        new("etcd.revision", 123_456_789_012L),
    ];

    private static readonly KeyValuePair<string, object>[] RetryEventAttributes =
    [
        new("attempt", 2L),
        new("reason", "leader changed"),
        new("backoff.seconds", 0.05),
        new("retried", true),
    ];

    private static readonly KeyValuePair<string, object>[] InternalAttributes = [new("objects.decoded", 42L)];

    private static readonly KeyValuePair<string, object>[] LinkAttributes =
    [
        new("link.reason", "watch cache refill"),
        new("link.count", 1L),
    ];

    private static readonly ActivityContext LinkedRemoteSpan = new(
        ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c"),
        ActivitySpanId.CreateFromString("b7ad6b7169203331"),
        ActivityTraceFlags.Recorded, "upstream=1", isRemote: true);

    /// <summary>Sends the trace to a running server and returns what the SDK sent, as OTLP objects.</summary>
    /// <param name="httpClientFactory">The SDK's own hook for the client it sends with (TLS trust, client certificate).</param>
    public static SentTrace SendNestedTrace(OtlpExportProtocol protocol, Uri endpoint, Func<HttpClient>? httpClientFactory = null)
    {
        // Every provider built here listens to the same source name (the expected scope), so two tests sending at
        // once would each export the other's spans too: one sender at a time.
        lock (OneSenderAtATime) return SendNestedTraceAlone(protocol, endpoint, httpClientFactory);
    }

    private static readonly Lock OneSenderAtATime = new();

    private static SentTrace SendNestedTraceAlone(OtlpExportProtocol protocol, Uri endpoint, Func<HttpClient>? httpClientFactory)
    {
        using var source = new ActivitySource(ScopeName, ScopeVersion);
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(ScopeName)
            .SetSampler(new AlwaysOnSampler())
            .ConfigureResource(r => r.Clear()
                .AddService("e2e-dotnet-client", serviceVersion: "7.8.9", autoGenerateServiceInstanceId: false)
                .AddAttributes(ResourceAttributes))
            .AddOtlpExporter(o =>
            {
                o.Protocol = protocol;
                o.Endpoint = endpoint;
                // Export each span synchronously when it ends: no timer decides what reaches the server.
                o.ExportProcessorType = ExportProcessorType.Simple;
                if (httpClientFactory is not null) o.HttpClientFactory = httpClientFactory;
            })
            .Build()!;

        var spans = new List<OtlpSpan>();
        using (var server = source.StartActivity("GET /api/v1/namespaces/default/pods", ActivityKind.Server,
                   new ActivityContext(), ServerAttributes!, startTime: T0)!)
        {
            server.TraceStateString = "kubetrace=e2e";
            using (var client = source.StartActivity("etcd.Range", ActivityKind.Client, server.Context,
                       ClientAttributes!, startTime: T0.AddMilliseconds(10))!)
            {
                client.AddEvent(new ActivityEvent("etcd.retry", T0.AddMilliseconds(50).AddTicks(1),
                    new ActivityTagsCollection(RetryEventAttributes!)));
                using (var decode = source.StartActivity("decode", ActivityKind.Internal, client.Context,
                           InternalAttributes!, [new ActivityLink(LinkedRemoteSpan, new ActivityTagsCollection(LinkAttributes!))],
                           T0.AddMilliseconds(150))!)
                {
                    decode.SetEndTime(T0.AddMilliseconds(190).UtcDateTime);
                    decode.Stop();
                    spans.Add(Expected(decode, InternalAttributes));
                }
                client.SetStatus(ActivityStatusCode.Error, "etcdserver: leader changed");
                client.SetEndTime(T0.AddMilliseconds(200).AddTicks(3).UtcDateTime);
                client.Stop();
                spans.Add(Expected(client, ClientAttributes));
            }
            server.SetStatus(ActivityStatusCode.Ok);
            server.SetEndTime(T0.AddMilliseconds(250).UtcDateTime);
            server.Stop();
            spans.Add(Expected(server, ServerAttributes));
        }
        Assert.True(provider.ForceFlush(10_000), "the .NET SDK did not flush its OTLP exporter");

        var resource = new Resource();
        resource.Attributes.Add(provider.GetResource().Attributes.Select(a => Spans.Attr(a.Key, a.Value)));
        return new SentTrace(resource, new InstrumentationScope { Name = ScopeName, Version = ScopeVersion }, spans);
    }

    /// <summary>The span the SDK's OTLP exporter writes for this activity (see its span serializer).</summary>
    private static OtlpSpan Expected(Activity activity, IEnumerable<KeyValuePair<string, object>> attributes)
    {
        var span = new OtlpSpan
        {
            TraceId = Bytes(activity.TraceId),
            SpanId = Bytes(activity.SpanId),
            TraceState = activity.TraceStateString ?? "",
            ParentSpanId = activity.ParentSpanId == default ? ByteString.Empty : Bytes(activity.ParentSpanId),
            Flags = SpanFlags(activity.ActivityTraceFlags, activity.HasRemoteParent),
            Name = activity.DisplayName,
            Kind = (OtlpSpan.Types.SpanKind)((int)activity.Kind + 1),
            StartTimeUnixNano = UnixNanos(activity.StartTimeUtc),
            EndTimeUnixNano = UnixNanos(activity.StartTimeUtc + activity.Duration),
            Status = activity.Status == ActivityStatusCode.Unset ? null : new Status
            {
                Code = (Status.Types.StatusCode)(int)activity.Status,
                Message = activity.Status == ActivityStatusCode.Error ? activity.StatusDescription ?? "" : "",
            },
        };
        span.Attributes.Add(OtlpValues.Attributes(attributes));
        foreach (var e in activity.Events)
        {
            var otlpEvent = new OtlpSpan.Types.Event { Name = e.Name, TimeUnixNano = UnixNanos(e.Timestamp.UtcDateTime) };
            otlpEvent.Attributes.Add(e.Tags.Select(t => Spans.Attr(t.Key, t.Value!)));
            span.Events.Add(otlpEvent);
        }
        foreach (var l in activity.Links)
        {
            var link = new OtlpSpan.Types.Link
            {
                TraceId = Bytes(l.Context.TraceId),
                SpanId = Bytes(l.Context.SpanId),
                TraceState = l.Context.TraceState ?? "",
                Flags = SpanFlags(l.Context.TraceFlags, l.Context.IsRemote),
            };
            link.Attributes.Add((l.Tags ?? []).Select(t => Spans.Attr(t.Key, t.Value!)));
            span.Links.Add(link);
        }
        return span;
    }

    /// <summary>W3C trace flags plus the OTLP "is remote is known" bit (0x100) and "is remote" bit (0x200).</summary>
    private static uint SpanFlags(ActivityTraceFlags flags, bool isRemote) => (uint)flags | 0x100u | (isRemote ? 0x200u : 0u);

    private static ulong UnixNanos(DateTime utc) => (ulong)(utc - DateTime.UnixEpoch).Ticks * 100;

    private static ByteString Bytes(ActivityTraceId id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.CopyTo(bytes);
        return ByteString.CopyFrom(bytes);
    }

    private static ByteString Bytes(ActivitySpanId id)
    {
        Span<byte> bytes = stackalloc byte[8];
        id.CopyTo(bytes);
        return ByteString.CopyFrom(bytes);
    }
}
