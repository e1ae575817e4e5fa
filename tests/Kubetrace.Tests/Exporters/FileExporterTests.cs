using System.Buffers.Binary;
using Kubetrace.Components;
using Kubetrace.Exporters.File;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Exporters;

public sealed class FileExporterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kubetrace-file-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Reads a proto-format file back: 4-byte big-endian length, then the request.</summary>
    internal static List<ExportTraceServiceRequest> ReadProtoRecords(string path)
    {
        var bytes = System.IO.File.ReadAllBytes(path);
        var records = new List<ExportTraceServiceRequest>();
        for (var offset = 0; offset < bytes.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset, 4));
            records.Add(ExportTraceServiceRequest.Parser.ParseFrom(bytes.AsSpan(offset + 4, length)));
            offset += 4 + length;
        }
        return records;
    }

    private static async Task Export(FileExporterConfig config, IEnumerable<TraceBatch> batches)
    {
        var test = new TestSettings("file");
        var exporter = new FileExporterFactory().Create(test.Settings, config);
        await exporter.StartAsync(default);
        foreach (var batch in batches) await exporter.ConsumeAsync(batch, default);
        await exporter.ShutdownAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
    }

    [Fact]
    public async Task Proto_records_read_back_equal_and_in_order_to_what_was_exported()
    {
        var path = Path.Combine(_directory, "traces.pb");
        var batches = Enumerable.Range(1, 20).Select(i => SampleRequests.Batch(i, $"batch{i}")).ToList();
        var config = new FileExporterConfig
        {
            Path = path, Format = FileFormat.Proto,
        };

        await Export(config, batches);

        Assert.Equal(batches.Select(b => b.Request), ReadProtoRecords(path));
    }

    [Fact]
    public async Task Rotation_rolls_over_to_backups_and_keeps_at_most_max_backups()
    {
        var path = Path.Combine(_directory, "traces.pb");
        // ~86 KB per batch, 60 batches: about 5 MB through a 1 MB limit.
        var batches = Enumerable.Range(0, 60).Select(_ => SampleRequests.Batch(1000)).ToList();
        var config = new FileExporterConfig
        {
            Path = path, Format = FileFormat.Proto,
            Rotation = new RotationConfig { MaxMegabytes = 1, MaxBackups = 2 },
        };

        await Export(config, batches);

        var backups = Directory.GetFiles(_directory, "traces-*.pb");
        Assert.Equal(2, backups.Length);
        Assert.All(backups, b => Assert.Matches(@"traces-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}(-\d+)?\.pb$", b));
        foreach (var file in backups.Append(path))
        {
            Assert.InRange(new FileInfo(file).Length, 1, 1024 * 1024);
            Assert.All(ReadProtoRecords(file), r => Assert.Equal(1000, TraceBatch.CountSpans(r)));
        }
    }

    [Fact]
    public async Task Without_rotation_every_batch_lands_in_the_one_file()
    {
        var path = Path.Combine(_directory, "nested", "dir", "traces.pb");
        var config = new FileExporterConfig { Path = path, Format = FileFormat.Proto };

        await Export(config, Enumerable.Range(0, 30).Select(_ => SampleRequests.Batch(2)));

        Assert.Equal(60, ReadProtoRecords(path).Sum(TraceBatch.CountSpans));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public async Task Json_lines_hold_one_OTLP_JSON_request_per_line_that_reads_back_equal()
    {
        var path = Path.Combine(_directory, "traces.jsonl");
        var batches = Enumerable.Range(1, 12).Select(i => SampleRequests.Batch(i, $"line{i}")).ToList();
        var config = new FileExporterConfig { Path = path };

        await Export(config, batches);

        var lines = System.IO.File.ReadAllLines(path);
        Assert.Equal(batches.Select(b => b.Request), lines.Select(l => Kubetrace.Otlp.Json.OtlpJson.ParseRequest(System.Text.Encoding.UTF8.GetBytes(l))));
        Assert.StartsWith("{\"resourceSpans\":[{\"resource\":", lines[0]);
        Assert.Contains("\"traceId\":\"0102030405060708090a0b0c0d0e0f10\"", lines[0]);
    }

    [Fact]
    public async Task Buffered_records_reach_the_file_within_the_flush_interval_without_a_shutdown()
    {
        var path = Path.Combine(_directory, "traces.pb");
        var test = new TestSettings("file");
        var exporter = new FileExporterFactory().Create(test.Settings,
            new FileExporterConfig { Path = path, Format = FileFormat.Proto, FlushInterval = TimeSpan.FromMilliseconds(100) });
        await exporter.StartAsync(default);

        await exporter.ConsumeAsync(SampleRequests.Batch(3), default);
        await Wait.UntilAsync(() => new FileInfo(path).Length > 0, "the flush loop wrote the buffered records");

        Assert.Equal(3, TraceBatch.CountSpans(Assert.Single(ReadProtoRecords(path))));
        await exporter.ShutdownAsync(default);
    }

    [Fact]
    public void A_missing_path_is_a_config_problem()
    {
        Assert.Equal([new ConfigProblem("path", "is required")], new FileExporterConfig().Validate());
    }
}
