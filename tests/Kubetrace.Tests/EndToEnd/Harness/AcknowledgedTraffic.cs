using System.Collections.Concurrent;
using System.Diagnostics;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>How one client's stream of requests ended: how many were acknowledged, and the failure that ended it.</summary>
internal sealed record ClientOutcome(string Client, int Acknowledged, string Failure, TimeSpan EndedAt);

/// <summary>
/// Several concurrent OTLP clients (gRPC and HTTP) sending traces back to back, each recording exactly which traces
/// the server acknowledged. A client stops at its first request that is not acknowledged (the server was killed).
/// </summary>
internal sealed class AcknowledgedTraffic
{
    private readonly ConcurrentQueue<SentTraceIds> _acknowledged = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Task<ClientOutcome>> _clients = [];

    /// <summary>Time since the traffic started, on the same clock as <see cref="ClientOutcome.EndedAt"/>.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The traces acknowledged so far.</summary>
    public IReadOnlyCollection<SentTraceIds> Acknowledged => _acknowledged;

    private int _clientsAcknowledged;

    /// <summary>Waits until every client has had a request acknowledged (a busy server takes a while to answer the
    /// first gRPC call), so that a kill after this hits every client's live stream.</summary>
    public async Task WaitUntilEveryClientWasAcknowledgedAsync(TimeSpan timeout)
    {
        if (!await Wait.HoldsWithinAsync(() => Volatile.Read(ref _clientsAcknowledged) >= _clients.Count, timeout))
            throw new TimeoutException($"only {_clientsAcknowledged} of {_clients.Count} clients were acknowledged within {timeout.TotalSeconds}s");
    }

    public static AcknowledgedTraffic Start(OtlpToStoreServer server, string service, int grpcClients, int httpClients, int spansPerTrace) =>
        Start(Enumerable.Range(0, grpcClients).Select(ITraceSender (_) => OtlpSender.Grpc(server.GrpcEndpoint))
            .Concat(Enumerable.Range(0, httpClients).Select(_ => OtlpSender.Http(server.HttpTracesUrl))), service, spansPerTrace);

    /// <summary>Each sender sends traces of <paramref name="service"/> back to back (and is disposed when it stops).</summary>
    public static AcknowledgedTraffic Start(IEnumerable<ITraceSender> senders, string service, int spansPerTrace)
    {
        var traffic = new AcknowledgedTraffic();
        var index = 0;
        foreach (var sender in senders)
        {
            var name = $"{sender.Transport} client {index++}";
            traffic._clients.Add(Task.Run(() => traffic.RunAsync(name, sender, service, spansPerTrace)));
        }
        return traffic;
    }

    /// <summary>
    /// Waits until every client has stopped at a failed request (the server is gone); each request has a deadline,
    /// so this is bounded. There is deliberately no "stop" request: it would race with the kill, and a client ending
    /// between two requests could not show that it was still sending when the server died.
    /// </summary>
    public async Task<IReadOnlyList<ClientOutcome>> WaitUntilAllFailedAsync()
    {
        await Wait.UntilAsync(() => _clients.All(c => c.IsCompleted), () =>
            $"every client stopped at a failed request after the kill: {_clients.Count(c => c.IsCompleted)} of {_clients.Count} " +
            $"stopped, {_acknowledged.Count} traces acknowledged in all");
        return await Task.WhenAll(_clients);
    }

    private async Task<ClientOutcome> RunAsync(string name, ITraceSender sender, string service, int spansPerTrace)
    {
        using (sender)
        {
            var acknowledged = 0;
            while (true)
            {
                var (trace, failure) = await sender.SendTraceAsync(service, spansPerTrace);
                if (trace is null) return new ClientOutcome(name, acknowledged, failure ?? "not acknowledged", _clock.Elapsed);
                _acknowledged.Enqueue(trace);
                if (++acknowledged == 1) Interlocked.Increment(ref _clientsAcknowledged);
            }
        }
    }
}
