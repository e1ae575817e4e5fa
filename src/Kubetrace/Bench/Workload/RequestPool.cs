using Google.Protobuf;

namespace Kubetrace.Bench.Workload;

/// <summary>
/// The distinct requests of a run, encoded once before it starts, from which every worker takes private copies
/// (a worker rewrites its copies in place, so they cannot be shared).
/// </summary>
internal sealed class RequestPool
{
    private readonly byte[][] _templates;
    private readonly PatchMap[] _maps;
    private readonly long _templateTimeNanos;

    public RequestPool(int distinctRequests, int spansPerRequest, int attributesPerSpan, int seed = 1)
    {
        var mix = new KubernetesSpanMix(attributesPerSpan, seed);
        _templateTimeNanos = UnixNanos.Now();
        _templates = new byte[distinctRequests][];
        _maps = new PatchMap[distinctRequests];
        for (var i = 0; i < distinctRequests; i++)
        {
            _templates[i] = mix.Build(spansPerRequest, i, _templateTimeNanos).ToByteArray();
            _maps[i] = PatchMap.Scan(_templates[i]);
        }
    }

    public int Count => _templates.Length;

    public long AverageBytes => (long)_templates.Average(t => t.Length);

    /// <summary>
    /// <paramref name="count"/> private copies for worker <paramref name="worker"/>, starting at a different
    /// template per worker so that all templates are in use at once.
    /// </summary>
    public RequestBody[] CopiesFor(int worker, int count) =>
        Enumerable.Range(0, count)
            .Select(i => (worker * count + i) % _templates.Length)
            .Select(t => new RequestBody(_templates[t], _maps[t], _templateTimeNanos))
            .ToArray();
}

/// <summary>Wall-clock time as OTLP timestamps count it.</summary>
internal static class UnixNanos
{
    public static long Now() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}
