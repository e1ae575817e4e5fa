using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Rollups;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis.Rollups;

/// <summary>
/// A scanning analysis's state as a storage rollup, and the one way those analyses run: live traces are added to
/// a state over the request's range, rolled-up blocks are read and merged into it
/// (<see cref="ITraceStore.ScanRolledUpAsync"/>), then the analysis reports from the state as it always did.
/// </summary>
/// <param name="id">Rollup identity and format version (<see cref="IRollup.Id"/>); bump it when the bytes change.</param>
/// <param name="allTime">A new empty state with no time filter: what storage feeds a block's traces to.</param>
internal sealed class StateRollup<TState>(string id, Func<TState> allTime) : IRollup where TState : class, IRollupState<TState>
{
    private readonly SpanScanRequest _request = allTime().ScanRequest;

    public string Id => id;

    public IReadOnlyList<string> AttributeKeys => _request.AttributeKeys;

    public IRollupAccumulator CreateAccumulator() => new Accumulator(allTime(), _request.Services);

    /// <summary>
    /// <paramref name="live"/> (a state over the request's range) with every trace of that range in it: those the
    /// store still holds as spans added, the rolled-up ones merged.
    /// </summary>
    public async Task<TState> ScanAsync(ITraceStore store, TState live, CancellationToken cancellationToken)
    {
        var request = live.ScanRequest;
        if (!request.AttributeKeys.SequenceEqual(AttributeKeys, StringComparer.Ordinal))
            throw new InvalidOperationException($"rollup {id}: the live state asks for other attribute keys than the rollup reads");
        await store.ScanRolledUpAsync(request, this, live.Add, bytes => live.Merge(Read(bytes)), cancellationToken).ConfigureAwait(false);
        return live;
    }

    /// <summary>A state read back from its bytes; a clear error naming the rollup when they are not one.</summary>
    public TState Read(ReadOnlyMemory<byte> bytes)
    {
        var reader = ByteReader.Over(bytes);
        try
        {
            var state = TState.ReadFrom(reader);
            if (!reader.AtEnd) throw new InvalidDataException("bytes left after the state");
            return state;
        }
        catch (Exception e) when (e is InvalidDataException or OverflowException or ArgumentException)
        {
            throw new InvalidDataException($"rollup {id}: unreadable state ({e.Message})", e);
        }
    }

    public static byte[] ToBytes(TState state)
    {
        var writer = new ByteWriter(1024);
        state.WriteTo(writer);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The catalog entry of an analysis that runs this way: <paramref name="start"/> checks the request's
    /// parameters and makes the live state (before anything is read), <paramref name="finish"/> reports.
    /// </summary>
    public AnalysisDefinition Define(string name, string summary, Func<AnalysisRequest, TState> start,
        Func<TState, AnalysisRequest, AnalysisResult> finish) =>
        new(name, summary, async (request, cancellationToken) =>
            finish(await ScanAsync(request.Store, start(request), cancellationToken).ConfigureAwait(false), request))
        {
            Rollup = this,
        };

    /// <remarks>
    /// Storage feeds a block's every trace; a scan delivers only traces touching the request's services. Skipping
    /// the others here keeps "each trace counted once" true for counters such as spans read.
    /// </remarks>
    private sealed class Accumulator(TState state, IReadOnlySet<string>? services) : IRollupAccumulator
    {
        public void Add(ScannedTrace trace)
        {
            if (services is null || trace.Spans.Exists(s => services.Contains(s.Service))) state.Add(trace);
        }

        public byte[] ToBytes() => StateRollup<TState>.ToBytes(state);
    }
}
