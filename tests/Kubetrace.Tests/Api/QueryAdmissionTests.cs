using System.Text;
using Kubetrace.Api;
using Kubetrace.Api.Native;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Query;
using Kubetrace.Query.Budget;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.Api;

/// <summary>
/// Every API handler runs inside the shared query limits: a bounded number at once, a bounded queue (429 beyond
/// it, 503 after waiting query_timeout), a query cancelled once it overruns its timeout (503), and an invalid user
/// regex answered 400; each answer names the limit and carries Retry-After where retrying helps.
/// </summary>
public sealed class QueryAdmissionTests : IAsyncLifetime
{
    private readonly TempStore _store = new();
    private ApiHandler _api = null!;
    private QueryGate _gate = null!;

    private static readonly QueryLimits Limits = new()
    {
        MaxConcurrentQueries = 1, MaxQueuedQueries = 1,
        QueryTimeout = TimeSpan.FromMilliseconds(400), CancelGrace = TimeSpan.FromMilliseconds(100),
    };

    public Task InitializeAsync()
    {
        var engines = new EngineSource(() => new StoreSource(_store.Store), "kubetrace", Limits);
        _gate = engines.Gate;
        _api = new ApiHandler(engines, NativeErrors.Instance, NullLogger.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Beyond_the_running_and_queued_queries_a_query_is_refused_429_and_one_that_waits_too_long_503()
    {
        var release = new TaskCompletionSource();
        var running = Run(_ => release.Task);               // holds the only slot
        var queued = Run(_ => Task.CompletedTask);          // waits for it
        await Wait.UntilAsync(() => _gate.Waiting == 1, "the second query waits in the queue");
        var refused = await Run(_ => Task.CompletedTask);   // the queue is full

        var waitedTooLong = await queued;
        release.SetResult();
        await running;

        Assert.Equal(429, refused.Response.StatusCode);
        Assert.Equal("1", refused.Response.Headers.RetryAfter.ToString());
        Assert.Contains("max_queued_queries", Body(refused));
        Assert.Equal(503, waitedTooLong.Response.StatusCode);
        Assert.Equal("1", waitedTooLong.Response.Headers.RetryAfter.ToString());
        Assert.Contains("no query slot became free within query_timeout (400ms)", Body(waitedTooLong));
        Assert.Equal(200, (await Run(_ => Task.CompletedTask)).Response.StatusCode); // the slot came back
    }

    [Fact]
    public async Task A_query_still_running_past_its_timeout_is_cancelled_and_answered_503()
    {
        var answered = await Run(context => Task.Delay(Timeout.Infinite, context.RequestAborted));

        Assert.Equal(503, answered.Response.StatusCode);
        Assert.Contains("did not finish within query_timeout (400ms)", Body(answered));
    }

    [Fact]
    public async Task An_answer_still_being_sent_when_the_query_deadline_passes_is_sent_whole_not_cut()
    {
        // A client that stops reading for a while, as a starved one does: the answer's bytes wait for it.
        var client = new StalledClient();
        var context = client.Context();
        var deadline = CancellationToken.None;
        var answering = _api.Handle((c, _) =>
        {
            deadline = c.RequestAborted;
            return JsonBody.WriteAsync(c, 200, w =>
            {
                w.WriteStartObject();
                w.WriteStartObject("incomplete");
                w.WriteString("limit", "query_timeout");
                w.WriteEndObject();
                w.WriteEndObject();
            });
        })(context);
        await Wait.UntilAsync(() => client.Waiting, "the answer is being sent");
        await Wait.UntilAsync(() => deadline.IsCancellationRequested, "the query's deadline has passed");

        client.ReadAgain();
        await answering;

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("{\"incomplete\":{\"limit\":\"query_timeout\"}}", client.Received);
    }

    [Fact]
    public async Task An_invalid_user_regex_is_a_400_naming_the_pattern()
    {
        var answered = await Run(_ => Task.FromResult(UserRegex.Compile("(unclosed")));

        Assert.Equal(400, answered.Response.StatusCode);
        Assert.Contains("invalid regular expression '(unclosed'", Body(answered));
    }

    private async Task<HttpContext> Run(Func<HttpContext, Task> handler)
    {
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        await _api.Handle((c, _) => handler(c))(context);
        return context;
    }

    private static string Body(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    /// <summary>
    /// A connection whose client has stopped reading: the response's headers count as sent once the body is written
    /// to (as on Kestrel), and the bytes wait until <see cref="ReadAgain"/>, unless the write is cancelled.
    /// </summary>
    private sealed class StalledClient : Stream, IHttpResponseFeature
    {
        private readonly TaskCompletionSource _reading = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly MemoryStream _received = new();
        private volatile bool _waiting;

        public HttpContext Context()
        {
            var context = new DefaultHttpContext();
            context.Features.Set<IHttpResponseFeature>(this);
            context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(this));
            return context;
        }

        public bool Waiting => _waiting;
        public string Received => Encoding.UTF8.GetString(_received.ToArray());
        public void ReadAgain() => _reading.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            HasStarted = true;
            _waiting = true;
            await _reading.Task.WaitAsync(cancellationToken);
            _received.Write(buffer.Span);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();
        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public int StatusCode { get; set; } = 200;
        public string? ReasonPhrase { get; set; }
        public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();
        Stream IHttpResponseFeature.Body { get => this; set { } }
        public bool HasStarted { get; private set; }
        public void OnStarting(Func<object, Task> callback, object state) { }
        public void OnCompleted(Func<object, Task> callback, object state) { }
    }
}
