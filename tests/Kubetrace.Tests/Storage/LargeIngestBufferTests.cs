using Kubetrace.Storage;
using Kubetrace.Storage.Wal;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// Issue 10: a large request's buffers (its body, its compressed WAL record: several MiB each) are not kept for good
/// by a pool out of the store's reach. The shared array pool held them per core and per thread, so the resident set
/// kept them after a memory-pressure release; the store's release now gives them back.
/// </summary>
public sealed class LargeIngestBufferTests
{
    private const int FourMiB = 4 * 1024 * 1024;

    [Fact]
    public async Task The_WAL_buffer_of_a_4_MiB_request_is_not_kept_past_the_stores_memory_release()
    {
        await using var temp = new TempStore();
        var request = Payload(FourMiB);

        var (first, held, second) = OnOneThread(() =>
        {
            var (_, _, before) = WalCodec.Encode(request, compress: true);
            WalCodec.Return(before!); // the record is written
            var released = temp.Store.ReleaseMemoryAsync().GetAwaiter().GetResult();
            var (_, _, after) = WalCodec.Encode(request, compress: true);
            WalCodec.Return(after!);
            return (before, released, after);
        });

        Assert.NotNull(first);
        Assert.NotSame(first, second);
        Assert.True(held, "the pool held a returned 4 MiB record's buffer: the release must say it held something");
    }

    [Fact]
    public void Large_buffers_are_kept_up_to_the_bound_and_all_dropped_by_a_release()
    {
        var pool = new IngestBuffers(retainedLimit: 16 * 1024 * 1024);
        // Four requests of 5 MiB in flight at once (several threads), each in a buffer of 8 MiB.
        var rented = Enumerable.Range(0, 4).AsParallel().Select(_ => pool.Rent(5 * 1024 * 1024)).ToArray();
        Assert.All(rented, buffer => Assert.Equal(8 * 1024 * 1024, buffer.Length));
        Parallel.ForEach(rented, pool.Return);

        Assert.Equal(16 * 1024 * 1024, pool.RetainedBytes); // two kept, two dropped: the bound holds
        var reused = pool.Rent(6 * 1024 * 1024);
        Assert.Contains(rented, buffer => ReferenceEquals(buffer, reused));
        pool.Return(reused);

        Assert.Equal(16 * 1024 * 1024, pool.Release());
        Assert.Equal(0, pool.RetainedBytes);
        var fresh = pool.Rent(5 * 1024 * 1024);
        Assert.DoesNotContain(rented, buffer => ReferenceEquals(buffer, fresh));
    }

    [Fact]
    public void A_common_small_request_stays_in_the_shared_pool()
    {
        var pool = new IngestBuffers(retainedLimit: 16 * 1024 * 1024);
        var small = pool.Rent(64 * 1024);
        pool.Return(small);

        Assert.Equal(0, pool.RetainedBytes);
        Assert.Same(small, System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024)); // same thread: its cached array
        System.Buffers.ArrayPool<byte>.Shared.Return(small);
        Assert.Equal(0, pool.Release());
    }

    /// <summary>Runs <paramref name="work"/> on one thread of its own, as the ingest loop rents and returns: a pool
    /// keeping buffers per thread would hand the same array out again there.</summary>
    private static T OnOneThread<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { result = work(); }
            catch (Exception e) { failure = e; }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new AggregateException(failure);
        return result;
    }

    /// <summary>Bytes that compress poorly, as a request of many distinct IDs does.</summary>
    private static byte[] Payload(int length)
    {
        var bytes = new byte[length];
        new Random(10).NextBytes(bytes);
        return bytes;
    }
}
