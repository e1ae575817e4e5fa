using Kubetrace.Storage;
using Kubetrace.Tests.Storage.Encryption;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

public class DurabilityTests
{
    private static async Task<long> CountFound(ITraceStore store, int traces)
    {
        var found = 0L;
        for (var t = 1; t <= traces; t++)
            if (await store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(t)), CancellationToken.None) is { } trace)
                found += trace.SelectMany(r => r.ScopeSpans).Sum(s => s.Spans.Count);
        return found;
    }

    private static Task AppendTraces(TempStore temp, int from, int to, int parallelism = 8) =>
        Parallel.ForEachAsync(Enumerable.Range(from, to - from + 1), new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            async (t, _) => await temp.AppendAsync(Request(Resource("apiserver", Span(t, 1, 0, "root"), Span(t, 2, 1, "child")))));

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // encrypted at rest: the same guarantees
    public async Task Every_acknowledged_span_is_present_after_a_crash(bool encrypted)
    {
        await using var temp = Stores.New(encrypted);
        await AppendTraces(temp, 1, 300);

        var reopened = temp.Crash(); // no shutdown: nothing is flushed beyond what each append acknowledged

        Assert.Equal(600, await CountFound(reopened, 300));
        Assert.Equal(600, reopened.GetStats().Spans);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // encrypted at rest: the same guarantees
    public async Task Data_written_before_and_after_restarts_and_block_cuts_is_all_there_exactly_once(bool encrypted)
    {
        await using var temp = Stores.New(encrypted);
        await AppendTraces(temp, 1, 100);
        await temp.Store.FlushHeadAsync();          // in a block
        await AppendTraces(temp, 101, 200);         // in the WAL only
        temp.Crash();
        await AppendTraces(temp, 201, 300);
        await temp.RestartAsync();

        Assert.Equal(600, await CountFound(temp.Store, 300));
        Assert.Equal(600, temp.Store.GetStats().Spans);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task New_wal_segments_are_numbered_after_those_blocks_cover_even_when_the_wal_folder_is_empty(bool encrypted)
    {
        await using var temp = Stores.New(encrypted);
        await AppendTraces(temp, 1, 100);
        await temp.Store.FlushHeadAsync();          // a block now covers the first segments
        await temp.Store.DisposeAsync();
        foreach (var segment in Directory.GetFiles(Path.Combine(temp.Directory, "wal")))
            File.Delete(segment);                   // e.g. emptied by an operator: nothing in it is needed any more
        temp.Crash();                               // opens the folder again

        await AppendTraces(temp, 101, 200);         // acknowledged: must not land in a segment numbered as covered
        var reopened = temp.Crash();

        Assert.Equal(400, await CountFound(reopened, 200));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // encrypted at rest: the same guarantees
    public async Task A_torn_wal_tail_is_cut_off_and_the_store_starts_with_everything_acknowledged(bool encrypted)
    {
        await using var temp = Stores.New(encrypted);
        await AppendTraces(temp, 1, 50);
        var segment = Directory.GetFiles(Path.Combine(temp.Directory, "wal")).Order().Last(f => new FileInfo(f).Length > 0);
        var validLength = new FileInfo(segment).Length;
        await using (var stream = new FileStream(segment, FileMode.Append))
            stream.Write([0x10, 0x27, 0, 0, 1, 2, 3, 4, 5, 6, 7]); // a frame header promising 10000 bytes, then a few

        var reopened = temp.Crash();

        Assert.Equal(100, await CountFound(reopened, 50));
        Assert.Equal(validLength, new FileInfo(segment).Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // encrypted at rest: the same guarantees
    public async Task A_corrupt_record_loses_only_what_follows_it_in_that_segment(bool encrypted)
    {
        await using var temp = Stores.New(encrypted);
        await AppendTraces(temp, 1, 10, parallelism: 1);
        var segment = Directory.GetFiles(Path.Combine(temp.Directory, "wal")).Order().Last(f => new FileInfo(f).Length > 0);
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[^3] ^= 0xFF; // inside the payload of the last record: its checksum no longer matches
        await File.WriteAllBytesAsync(segment, bytes);

        var reopened = temp.Crash();

        Assert.Equal(18, await CountFound(reopened, 10));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task A_damaged_record_in_the_middle_of_a_segment_loses_only_itself(bool damageTheLength, bool encrypted)
    {
        await using var temp = Stores.New(encrypted);
        await AppendTraces(temp, 1, 10, parallelism: 1); // ten records, one trace of two spans each
        var segment = Directory.GetFiles(Path.Combine(temp.Directory, "wal")).Order().Last(f => new FileInfo(f).Length > 0);
        var bytes = await File.ReadAllBytesAsync(segment);
        var fifth = RecordOffsets(bytes)[4];
        // The length field (nothing then says where the next record starts) or a byte of the payload.
        bytes[damageTheLength ? fifth + 1 : fifth + 20] ^= 0x5A;
        await File.WriteAllBytesAsync(segment, bytes);

        var reopened = temp.Crash();

        Assert.Equal(18, await CountFound(reopened, 10));
    }

    private static List<int> RecordOffsets(byte[] segment)
    {
        var offsets = new List<int>();
        for (var offset = 0; offset < segment.Length; offset += 9 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(segment.AsSpan(offset)))
            offsets.Add(offset);
        return offsets;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // encrypted at rest: the same guarantees
    public async Task A_damaged_block_is_skipped_and_the_rest_is_served(bool encrypted)
    {
        await using var temp = Stores.New(encrypted);
        await AppendTraces(temp, 1, 10);
        await temp.Store.FlushHeadAsync();
        await AppendTraces(temp, 11, 20);
        await temp.Store.FlushHeadAsync();
        var oldest = Directory.GetFiles(Path.Combine(temp.Directory, "blocks"), "*.ktb").Order().First();
        var bytes = await File.ReadAllBytesAsync(oldest);
        bytes[^20] ^= 0xFF; // in the footer: checksum mismatch
        await File.WriteAllBytesAsync(oldest, bytes);

        var reopened = await temp.RestartAsync();

        Assert.Equal(1, reopened.GetStats().Blocks);
        Assert.Equal(20, await CountFound(reopened, 20));
        Assert.True(File.Exists(oldest + ".corrupt"));
    }

    [Fact]
    public async Task Queries_running_during_ingest_and_block_cuts_see_consistent_data()
    {
        await using var temp = new TempStore(dir => new StoreOptions { Directory = dir, MaxHeadSpans = 200 });
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            var reads = 0;
            while (!stop.IsCancellationRequested)
            {
                var matches = await temp.Store.FetchAsync(new FetchRequest(TimeRange.All, [Condition.SpanName("child")]), CancellationToken.None);
                foreach (var match in matches) Assert.Equal(2, match.Summary.SpanCount);
                reads++;
            }
            return reads;
        });
        await AppendTraces(temp, 1, 1000);
        stop.Cancel();
        Assert.True(await reader > 0);
        Assert.Equal(2000, await CountFound(temp.Store, 1000));
        Assert.True(temp.Store.GetStats().Blocks >= 1);
    }
}
