using Kubetrace.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

public class RetentionTests
{
    private static async Task AddBlock(TempStore temp, int firstTrace, long startMs)
    {
        for (var t = firstTrace; t < firstTrace + 50; t++)
            await temp.AppendAsync(Request(Resource("apiserver", Span(t, 1, 0, "root", startMs, 10, ("k8s.audit.id", Guid.NewGuid().ToString())))));
        await temp.Store.FlushHeadAsync();
    }

    private static async Task<bool> Has(TempStore temp, int trace) =>
        await temp.Store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(trace)), CancellationToken.None) is not null;

    [Fact]
    public async Task Blocks_older_than_the_retention_disappear_and_disk_usage_falls()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, Retention = TimeSpan.FromHours(72), Clock = clock, RetentionInterval = TimeSpan.FromHours(1),
        });
        await AddBlock(temp, 1, startMs: -(long)TimeSpan.FromHours(100).TotalMilliseconds); // 100h old
        await AddBlock(temp, 100, startMs: 0);                                                 // 10 minutes old
        var before = temp.BytesOnDisk();

        await temp.Store.EnforceRetentionAsync(CancellationToken.None);

        Assert.False(await Has(temp, 1));
        Assert.True(await Has(temp, 100));
        Assert.Equal(1, temp.Store.GetStats().Blocks);
        Assert.True(temp.BytesOnDisk() < before, $"disk usage {temp.BytesOnDisk()} should fall below {before}");

        clock.Now += TimeSpan.FromHours(73); // now the newer block is past retention too
        await temp.Store.EnforceRetentionAsync(CancellationToken.None);
        Assert.False(await Has(temp, 100));
    }

    [Fact]
    public async Task Past_the_size_limit_the_oldest_blocks_go_first()
    {
        await using var temp = new TempStore(dir => new StoreOptions { Directory = dir, RetentionInterval = TimeSpan.FromHours(1) });
        await AddBlock(temp, 1, startMs: -3000);
        await AddBlock(temp, 100, startMs: -2000);
        await AddBlock(temp, 200, startMs: -1000);
        var blocks = Directory.GetFiles(Path.Combine(temp.Directory, "blocks"), "*.ktb");
        var limit = blocks.Select(f => new FileInfo(f).Length).OrderDescending().Take(2).Sum();
        await temp.Store.DisposeAsync();
        await using var limited = new TempStore(dir => new StoreOptions { Directory = temp.Directory, MaxDiskBytes = limit, RetentionInterval = TimeSpan.FromHours(1) });

        await limited.Store.EnforceRetentionAsync(CancellationToken.None);

        Assert.False(await Has(limited, 1));
        Assert.True(await Has(limited, 100));
        Assert.True(await Has(limited, 200));
        Assert.True(limited.Store.GetStats().BlockBytes <= limit);
    }

    [Fact]
    public async Task Max_disk_size_holds_after_every_block_written_not_only_at_the_next_retention_pass()
    {
        // Measure one block of this shape, then allow about three; retention's own pass is an hour away.
        long oneBlock;
        await using (var probe = new TempStore())
        {
            await AddBlock(probe, 1, startMs: 0);
            oneBlock = probe.Store.GetStats().BlockBytes;
        }
        var limit = oneBlock * 3 + oneBlock / 2;
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, MaxDiskBytes = limit, RetentionInterval = TimeSpan.FromHours(1), Rollups = [],
        });

        var seen = new List<long>();
        for (var block = 0; block < 8; block++)
        {
            await AddBlock(temp, 1 + block * 100, startMs: block * 1000);
            seen.Add(temp.Store.GetStats().BytesOnDisk);
        }

        Assert.All(seen, bytes => Assert.InRange(bytes, 1, limit));
        Assert.True(await Has(temp, 701));  // the newest block stays
        Assert.False(await Has(temp, 1));   // the oldest went first
    }
}
