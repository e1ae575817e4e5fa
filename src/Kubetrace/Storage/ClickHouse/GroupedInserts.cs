namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// Group commit for the spans table: batches that arrive while an INSERT is running wait, and the next INSERT carries
/// every waiting batch (RowBinary rows concatenate) up to <c>maxBytes</c> of rows. A further INSERT runs beside the
/// first (up to <c>maxInFlight</c>) only once a full INSERT's worth waits: until then the batches gather for the next
/// one. Each caller completes once the INSERT holding its rows has been answered, and fails as it failed, so an
/// acknowledged span is still one ClickHouse has written; a batch is never split (one INSERT is atomic on the server).
/// </summary>
/// <remarks>
/// Why: on 18.16 every INSERT costs the server a part of its own (~60 files, a 1 MiB buffer per column stream, ~20 ms
/// of system CPU) and merges rewrite every part again: 1,000-span INSERTs cost ~80 µs of server CPU per span, 10,000-span
/// ones ~25 (docs/benchmarks.md, issue 16). Clients send what they have — an SDK exports 512 spans at a time — so the
/// store makes the INSERTs large instead of trusting the batches to be. A second INSERT started as soon as a batch waited
/// kept them small: with 4 clients sending 10,000-span batches the INSERTs carried ~12,500 spans, where one at a time they
/// carry ~19,600 and the server spends ~24% less CPU per span on parts and merges (docs/benchmarks.md, issue 16, "ClickHouse
/// INSERT size"). Under a load one INSERT cannot keep up with, full INSERTs wait and run side by side.
/// </remarks>
internal sealed class GroupedInserts<T>(Func<IReadOnlyList<T>, int, Task> send, int maxInFlight, long maxBytes)
{
    private readonly Lock _gate = new();
    private readonly Queue<Waiting> _waiting = new();
    private long _waitingBytes;
    private int _inFlight;

    /// <summary>Completes once an INSERT holding these rows has succeeded. The rows must stay readable until then: the
    /// caller's cancellation stops its wait, not the INSERT (see <paramref name="send"/>, which owns them from here).</summary>
    public Task InsertAsync(T rows, int count, int bytes)
    {
        var waiting = new Waiting(rows, count, bytes, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            _waiting.Enqueue(waiting);
            _waitingBytes += bytes;
            if (_inFlight > 0 && (_inFlight >= maxInFlight || _waitingBytes < maxBytes)) return waiting.Done.Task;
            _inFlight++;
        }
        _ = SendWhileWaitingAsync();
        return waiting.Done.Task;
    }

    /// <summary>One INSERT slot: sends groups until nothing waits.</summary>
    private async Task SendWhileWaitingAsync()
    {
        while (true)
        {
            List<Waiting> group;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _inFlight--;
                    return;
                }
                group = TakeGroup();
            }
            var rows = 0;
            foreach (var waiting in group) rows += waiting.Count;
            try
            {
                await send(group.ConvertAll(w => w.Rows), rows).ConfigureAwait(false);
                foreach (var waiting in group) waiting.Done.TrySetResult();
            }
            catch (Exception e)
            {
                foreach (var waiting in group) waiting.Done.TrySetException(e);
            }
        }
    }

    /// <summary>The oldest batch and those after it, in arrival order, while they fit in <c>maxBytes</c> (a larger batch goes alone).</summary>
    private List<Waiting> TakeGroup()
    {
        var group = new List<Waiting> { _waiting.Dequeue() };
        long bytes = group[0].Bytes;
        while (_waiting.TryPeek(out var next) && bytes + next.Bytes <= maxBytes)
        {
            group.Add(_waiting.Dequeue());
            bytes += next.Bytes;
        }
        _waitingBytes -= bytes;
        return group;
    }

    private sealed record Waiting(T Rows, int Count, int Bytes, TaskCompletionSource Done);
}
