using Kubetrace.Components;
using Kubetrace.Exporters.Helper;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Exporters;

public sealed class ExporterHelperTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static (IExporter Exporter, ScriptedSink Sink, TestSettings Test) Build(HelperConfig? config, TimeProvider? clock = null)
    {
        var test = new TestSettings("otlp/helper");
        var sink = new ScriptedSink();
        return (ExporterBuilder.Build(test.Settings, sink, config, clock), sink, test);
    }

    private static HelperConfig Queue(int size, int consumers = 1, bool blocking = false,
        QueueSizer sizer = QueueSizer.Requests) => new()
    {
        SendingQueue = new QueueConfig { QueueSize = size, NumConsumers = consumers, Blocking = blocking, Sizer = sizer },
        RetryOnFailure = new RetryConfig { Enabled = false },
    };

    [Fact]
    public async Task A_full_queue_refuses_with_ResourceExhausted_and_counts_the_spans()
    {
        var (exporter, sink, test) = Build(Queue(size: 2));
        sink.Gate = new TaskCompletionSource();
        await exporter.StartAsync(default);

        await exporter.ConsumeAsync(SampleRequests.Batch(1), default); // taken by the only consumer, held at the gate
        await sink.FirstCallStarted.Task.WaitAsync(Patience);
        await exporter.ConsumeAsync(SampleRequests.Batch(1), default); // queued
        await exporter.ConsumeAsync(SampleRequests.Batch(1), default); // queued: now full

        var refused = await Assert.ThrowsAsync<ConsumerException>(
            () => exporter.ConsumeAsync(SampleRequests.Batch(7), default).AsTask());

        Assert.Equal(ConsumerErrorKind.ResourceExhausted, refused.Kind);
        Assert.True(refused.IsRetryable);
        Assert.Equal(7, test.Counter("otelcol_exporter_enqueue_failed_spans"));
        Assert.Equal(2, test.Gauge("otelcol_exporter_queue_size"));
        Assert.Equal(2, test.Gauge("otelcol_exporter_queue_capacity"));

        sink.Gate.SetResult();
        await exporter.ShutdownAsync(default);
        Assert.Equal(3, sink.Received.Count);
        Assert.Equal(3, test.Counter("otelcol_exporter_sent_spans"));
    }

    [Fact]
    public async Task The_items_sizer_bounds_spans_rather_than_batches()
    {
        var (exporter, sink, test) = Build(Queue(size: 10, sizer: QueueSizer.Items));
        sink.Gate = new TaskCompletionSource();
        await exporter.StartAsync(default);
        await exporter.ConsumeAsync(SampleRequests.Batch(1), default);
        await sink.FirstCallStarted.Task.WaitAsync(Patience);

        await exporter.ConsumeAsync(SampleRequests.Batch(6), default);
        await exporter.ConsumeAsync(SampleRequests.Batch(4), default);
        var refused = await Assert.ThrowsAsync<ConsumerException>(
            () => exporter.ConsumeAsync(SampleRequests.Batch(1), default).AsTask());

        Assert.Equal(ConsumerErrorKind.ResourceExhausted, refused.Kind);
        Assert.Equal(10, test.Gauge("otelcol_exporter_queue_size"));
        sink.Gate.SetResult();
        await exporter.ShutdownAsync(default);
    }

    [Fact]
    public async Task A_blocking_queue_makes_the_producer_wait_for_room_instead_of_refusing()
    {
        var (exporter, sink, test) = Build(Queue(size: 1, blocking: true));
        sink.Gate = new TaskCompletionSource();
        await exporter.StartAsync(default);
        await exporter.ConsumeAsync(SampleRequests.Batch(1), default);
        await sink.FirstCallStarted.Task.WaitAsync(Patience);
        await exporter.ConsumeAsync(SampleRequests.Batch(1), default); // fills the queue

        var waiting = exporter.ConsumeAsync(SampleRequests.Batch(1), default).AsTask();
        await Task.Delay(200); // not a wait: a time in which the producer must stay blocked (nothing to wait for)
        Assert.False(waiting.IsCompleted);

        sink.Gate.SetResult();
        await waiting.WaitAsync(Patience);
        await exporter.ShutdownAsync(default);
        Assert.Equal(3, sink.Received.Count);
        Assert.Equal(0, test.Counter("otelcol_exporter_enqueue_failed_spans"));
    }

    [Fact]
    public async Task Shutdown_drains_everything_queued_before_the_sink_shuts_down()
    {
        var (exporter, sink, test) = Build(Queue(size: 100, consumers: 3));
        sink.Outcome = _ => { Thread.Sleep(5); return null; }; // simulated work: a slow sink keeps the queue full
        await exporter.StartAsync(default);
        for (var i = 0; i < 60; i++) await exporter.ConsumeAsync(SampleRequests.Batch(2), default);

        await exporter.ShutdownAsync(new CancellationTokenSource(Patience).Token);

        Assert.Equal(60, sink.Received.Count);
        Assert.Equal(120, test.Counter("otelcol_exporter_sent_spans"));
        Assert.True(sink.ShutDown);
        var late = await Assert.ThrowsAsync<ConsumerException>(
            () => exporter.ConsumeAsync(SampleRequests.Batch(1), default).AsTask());
        Assert.Equal(ConsumerErrorKind.Unavailable, late.Kind);
    }

    [Fact]
    public async Task Shutdown_past_its_deadline_drops_what_is_left_and_says_how_much()
    {
        var (exporter, sink, test) = Build(Queue(size: 100));
        sink.Gate = new TaskCompletionSource(); // never opens: the destination hangs
        await exporter.StartAsync(default);
        for (var i = 0; i < 5; i++) await exporter.ConsumeAsync(SampleRequests.Batch(3), default);
        await sink.FirstCallStarted.Task.WaitAsync(Patience);

        await exporter.ShutdownAsync(new CancellationTokenSource(TimeSpan.FromMilliseconds(200)).Token);

        Assert.Equal(15, test.Counter("otelcol_exporter_send_failed_spans"));
        Assert.Contains(test.Log, line => line.Contains("dropped 12 queued spans", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retryable_failures_are_retried_with_back_off_until_they_succeed()
    {
        var config = Queue(size: 10);
        config.RetryOnFailure = new RetryConfig { InitialInterval = TimeSpan.FromMilliseconds(20), Multiplier = 2 };
        var clock = new ManualClock();
        var (exporter, sink, test) = Build(config, clock);
        sink.Outcome = n => n <= 3 ? ConsumerException.Unavailable("connection refused") : null;
        await exporter.StartAsync(default);

        await exporter.ConsumeAsync(SampleRequests.Batch(4), default);
        for (var retry = 1; retry <= 3; retry++) await clock.PassNextTimerAsync($"back-off {retry}");
        await exporter.ShutdownAsync(new CancellationTokenSource(Patience).Token);

        Assert.Equal(4, sink.Calls);
        Assert.Single(sink.Received);
        Assert.Equal(4, test.Counter("otelcol_exporter_sent_spans"));
        Assert.Equal(0, test.Counter("otelcol_exporter_send_failed_spans"));
        // 20, 40 and 80 ms, each within the jitter's ±50%.
        Assert.Collection(clock.TimersAsked,
            d => Assert.InRange(d.TotalMilliseconds, 10, 30), d => Assert.InRange(d.TotalMilliseconds, 20, 60), d => Assert.InRange(d.TotalMilliseconds, 40, 120));
    }

    [Fact]
    public async Task A_server_requested_delay_is_honoured_when_longer_than_the_back_off()
    {
        var config = Queue(size: 10);
        config.RetryOnFailure = new RetryConfig { InitialInterval = TimeSpan.FromMilliseconds(1) };
        var clock = new ManualClock();
        var (exporter, sink, _) = Build(config, clock);
        sink.Outcome = n => n == 1 ? ConsumerException.ResourceExhausted("slow down", TimeSpan.FromMilliseconds(400)) : null;
        await exporter.StartAsync(default);

        await exporter.ConsumeAsync(SampleRequests.Batch(1), default);
        await clock.PassNextTimerAsync("the wait the server asked for");
        await exporter.ShutdownAsync(new CancellationTokenSource(Patience).Token);

        Assert.Equal(2, sink.Calls);
        // The server's 400 ms, not the back-off's 1 ms (±50%).
        Assert.Equal([TimeSpan.FromMilliseconds(400)], clock.TimersAsked);
    }

    [Fact]
    public async Task A_permanent_error_is_not_retried_and_is_counted_and_logged_once()
    {
        var config = Queue(size: 10);
        config.RetryOnFailure = new RetryConfig { InitialInterval = TimeSpan.FromMilliseconds(1) };
        var (exporter, sink, test) = Build(config);
        sink.Outcome = _ => ConsumerException.Permanent("HTTP 400: bad span");
        await exporter.StartAsync(default);

        await exporter.ConsumeAsync(SampleRequests.Batch(5), default);
        await exporter.ShutdownAsync(new CancellationTokenSource(Patience).Token);

        Assert.Equal(1, sink.Calls);
        Assert.Equal(5, test.Counter("otelcol_exporter_send_failed_spans"));
        var line = Assert.Single(test.Log);
        Assert.Equal("Error: Exporting failed. Dropped 5 spans of exporter otlp/helper: HTTP 400: bad span", line);
    }

    [Fact]
    public async Task Retrying_gives_up_after_max_elapsed_time_and_reports_the_drop()
    {
        var config = Queue(size: 10);
        config.RetryOnFailure = new RetryConfig
        {
            InitialInterval = TimeSpan.FromMilliseconds(10), MaxElapsedTime = TimeSpan.FromMilliseconds(300),
        };
        var (exporter, sink, test) = Build(config);
        sink.Outcome = _ => ConsumerException.Unavailable("connection refused");
        await exporter.StartAsync(default);

        await exporter.ConsumeAsync(SampleRequests.Batch(3), default);
        await exporter.ShutdownAsync(new CancellationTokenSource(Patience).Token);

        // Given up by itself (the log says so), not cut short by the shutdown's deadline.
        Assert.True(sink.Calls > 2);
        Assert.Equal(3, test.Counter("otelcol_exporter_send_failed_spans"));
        var line = Assert.Single(test.Log);
        Assert.StartsWith("Error: Exporting failed. Dropped 3 spans of exporter otlp/helper: no more retries left after", line);
        Assert.EndsWith("connection refused", line);
    }

    [Fact]
    public async Task Without_a_queue_the_caller_gets_the_error_and_the_sink_is_called_inline()
    {
        var config = new HelperConfig
        {
            SendingQueue = new QueueConfig { Enabled = false }, RetryOnFailure = new RetryConfig { Enabled = false },
        };
        var (exporter, sink, test) = Build(config);
        sink.Outcome = _ => ConsumerException.Unavailable("down");
        await exporter.StartAsync(default);

        var error = await Assert.ThrowsAsync<ConsumerException>(
            () => exporter.ConsumeAsync(SampleRequests.Batch(2), default).AsTask());

        Assert.Equal(ConsumerErrorKind.Unavailable, error.Kind);
        Assert.Equal(2, test.Counter("otelcol_exporter_send_failed_spans"));
        Assert.Contains(test.Log, l => l.Contains("Rejected 2 spans", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_attempt_that_outlives_the_timeout_is_cancelled_and_retried()
    {
        var config = Queue(size: 10);
        config.Timeout = TimeSpan.FromMilliseconds(100);
        config.RetryOnFailure = new RetryConfig { InitialInterval = TimeSpan.FromMilliseconds(1) };
        var (exporter, sink, test) = Build(config);
        sink.HangingCalls = 1;
        await exporter.StartAsync(default);

        await exporter.ConsumeAsync(SampleRequests.Batch(1), default);
        await exporter.ShutdownAsync(new CancellationTokenSource(Patience).Token);

        Assert.Equal(2, sink.Calls);
        Assert.Equal(1, test.Counter("otelcol_exporter_sent_spans"));
        Assert.Empty(test.Log);
    }

    [Fact]
    public async Task An_unexpected_exception_from_a_sink_becomes_a_counted_permanent_error()
    {
        var test = new TestSettings("debug");
        var exporter = ExporterBuilder.Build(test.Settings, new ThrowingSink(), helper: null);

        var error = await Assert.ThrowsAsync<ConsumerException>(
            () => exporter.ConsumeAsync(SampleRequests.Batch(3), default).AsTask());

        Assert.Equal(ConsumerErrorKind.Permanent, error.Kind);
        Assert.Equal("unexpected IOException: broken pipe", error.Message);
        Assert.Equal(3, test.Counter("otelcol_exporter_send_failed_spans"));
    }

    private sealed class ThrowingSink : IExportSink
    {
        public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken) =>
            throw new IOException("broken pipe");

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public void Invalid_queue_and_retry_settings_are_reported_with_their_key_paths()
    {
        var config = new HelperConfig
        {
            SendingQueue = new QueueConfig { QueueSize = 0, NumConsumers = 0 },
            RetryOnFailure = new RetryConfig { Multiplier = 0.5 },
        };

        var problems = config.ValidateHelper().Select(p => $"{p.Key}: {p.Message}").ToList();

        Assert.Equal(
        [
            "sending_queue.num_consumers: must be at least 1",
            "sending_queue.queue_size: must be at least 1",
            "retry_on_failure.multiplier: must be at least 1",
        ], problems);
    }
}
