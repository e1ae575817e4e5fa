using Kubetrace.Storage;
using Kubetrace.Tests.Storage;
using Kubetrace.Tests.Storage.Integrity;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Cli;

/// <summary><c>kubetrace store check DIR</c>: an offline fsck that names each damaged file and part, exits 1 on damage and changes nothing.</summary>
public sealed class StoreCheckCommandTests
{
    [Fact]
    public async Task An_intact_store_checks_clean()
    {
        var pristine = await StoreWithBlockAndWalAsync();
        try
        {
            var result = await CliRun.RunAsync("store", "check", pristine);

            Assert.Equal(0, result.Code);
            Assert.Contains(result.Lines, l => l.StartsWith("blocks/", StringComparison.Ordinal) && l.Contains("ok", StringComparison.Ordinal)
                                               && l.Contains($"block format {Kubetrace.Storage.Blocks.BlockFooter.Version}, 2 row groups, 4 traces, 8 spans", StringComparison.Ordinal));
            Assert.Contains(result.Lines, l => l.StartsWith("wal/", StringComparison.Ordinal) && l.Contains("WAL segment, 3 records", StringComparison.Ordinal));
            Assert.Equal("checked 3 files: no damage", result.Lines[^1]);
        }
        finally
        {
            Directory.Delete(pristine, recursive: true);
        }
    }

    [Theory]
    [InlineData("row group", "row group 0 (traces 0-1, 4 spans): row group 0, column 0: checksum mismatch")]
    [InlineData("footer", "footer unreadable (footer checksum mismatch)")]
    [InlineData("wal", "1 damaged stretches")]
    public async Task A_flipped_byte_is_named_with_its_file_and_part_and_the_exit_code_is_1(string where, string expected)
    {
        var pristine = await StoreWithBlockAndWalAsync();
        try
        {
            var block = Directory.GetFiles(Path.Combine(pristine, "blocks"), "*.ktb").Single();
            var segment = Directory.GetFiles(Path.Combine(pristine, "wal")).Single(f => new FileInfo(f).Length > 0);
            var (file, offset) = where switch
            {
                "row group" => (block, 5L),     // the first chunk: span IDs of row group 0
                "footer" => (block, new FileInfo(block).Length - 20),
                _ => (segment, 20L),            // the first record's payload
            };
            DamagedCopy.Flip(file, offset);
            var before = await File.ReadAllBytesAsync(file);

            var result = await CliRun.RunAsync("store", "check", pristine);

            Assert.Equal(1, result.Code);
            var name = Path.GetRelativePath(pristine, file);
            var line = Array.FindIndex(result.Lines, l => l.StartsWith(name, StringComparison.Ordinal));
            Assert.Contains("DAMAGED", result.Lines[line]);
            Assert.Contains(expected, result.Lines[line + 1]);
            Assert.Equal("checked 3 files: 1 damaged", result.Lines[^1]);
            Assert.Equal(before, await File.ReadAllBytesAsync(file)); // offline and read-only: nothing repaired or renamed
        }
        finally
        {
            Directory.Delete(pristine, recursive: true);
        }
    }

    [Fact]
    public async Task A_folder_without_a_store_is_an_error()
    {
        var result = await CliRun.RunAsync("store", "check", Path.Combine(Path.GetTempPath(), "kubetrace-no-store-" + Guid.NewGuid().ToString("N")));

        Assert.Equal(1, result.Code);
        Assert.Contains("holds no store", result.Error);
    }

    /// <summary>A shut-down store: one block of 4 traces (row groups of 4 spans), a WAL segment of 3 records and an empty one.</summary>
    private static async Task<string> StoreWithBlockAndWalAsync()
    {
        await using var temp = new TempStore(dir => new StoreOptions { Directory = dir, RowGroupSpans = 4 });
        for (var t = 1; t <= 4; t++) await temp.AppendAsync(Request(Resource("apiserver", Span(t, 1, 0, "root"), Span(t, 2, 1, "child"))));
        await temp.Store.FlushHeadAsync();
        for (var t = 5; t <= 7; t++) await temp.AppendAsync(Request(Resource("apiserver", Span(t, 1, 0, "root"))));
        temp.Crash(); // the WAL stays as written (a clean shutdown may write it into a block)
        return DamagedCopy.Copy(temp.Directory);
    }
}
