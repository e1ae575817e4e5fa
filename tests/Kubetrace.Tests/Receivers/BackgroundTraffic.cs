using System.Collections.Concurrent;
using System.Net;
using Grpc.Net.Client;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Receivers;

/// <summary>
/// Valid exports sent continuously over gRPC, HTTP/protobuf and HTTP/JSON while a test misbehaves beside them;
/// afterwards it checks that every one of them was answered OK and reached the pipeline unchanged.
/// </summary>
internal sealed class BackgroundTraffic : IAsyncDisposable
{
    public const string SpanPrefix = "traffic-";

    private readonly RunningReceiver _receiver;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, OtlpSpan> _sent = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly GrpcChannel _channel;
    private readonly HttpClient _http = new();
    private readonly Task[] _senders;
    private int _sequence;

    public BackgroundTraffic(RunningReceiver receiver)
    {
        _receiver = receiver;
        _channel = GrpcChannel.ForAddress(receiver.GrpcAddress);
        var grpc = new TraceService.TraceServiceClient(_channel);
        _senders =
        [
            Loop(async request => (await grpc.ExportAsync(request)).PartialSuccess is null ? null : "grpc: partial success"),
            Loop(request => PostAsync(OtlpHttpClient.Protobuf(request))),
            Loop(request => PostAsync(OtlpHttpClient.Json(request, gzip: true))),
        ];
    }

    public int SentCount => _sent.Count;

    /// <summary>Stops sending and asserts that all traffic was accepted and arrived exactly as sent.</summary>
    public async Task StopAndVerifyAsync(int atLeastSent)
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_senders);
        Assert.Empty(_failures);
        Assert.True(_sent.Count >= atLeastSent, $"only {_sent.Count} valid requests were sent alongside the bad input");
        var received = _receiver.Consumer.Batches
            .SelectMany(b => b.Request.ResourceSpans).SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans)
            .Where(s => s.Name.StartsWith(SpanPrefix, StringComparison.Ordinal))
            .ToDictionary(s => s.Name);
        Assert.Equal(_sent.Count, received.Count);
        foreach (var (name, span) in _sent) Assert.Equal(span, received[name]);
    }

    private Task Loop(Func<ExportTraceServiceRequest, Task<string?>> send) => Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref _sequence);
            var spans = Enumerable.Range(0, 3).Select(i => SampleRequests.ValidSpan($"{SpanPrefix}{n}-{i}", n * 3 + i)).ToArray();
            try
            {
                var failure = await send(SampleRequests.WithSpans(spans));
                if (failure is not null) _failures.Enqueue(failure);
                else foreach (var span in spans) _sent[span.Name] = span;
            }
            catch (Exception e)
            {
                _failures.Enqueue($"{e.GetType().Name}: {e.Message}");
            }
            try
            {
                await Task.Delay(10, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopped during the pause: the loop ends.
            }
        }
    });

    private async Task<string?> PostAsync(HttpContent content)
    {
        using var response = await _http.PostAsync(_receiver.TracesUrl, content);
        if (response.StatusCode != HttpStatusCode.OK) return $"http: {(int)response.StatusCode}";
        return (await OtlpHttpClient.ReadResponseAsync(response)).PartialSuccess is null ? null : "http: partial success";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_senders).ContinueWith(_ => { });
        _channel.Dispose();
        _http.Dispose();
    }
}
