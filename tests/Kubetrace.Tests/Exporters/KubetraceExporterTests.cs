using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Exporters;

/// <summary>The kubetrace storage exporter: its config (sizes, folder, head bounds) and the spans it makes durable.</summary>
public sealed class KubetraceExporterTests
{
    /// <summary>A config whose one exporter is <c>kubetrace</c> with <paramref name="keys"/> (unindented), loaded.</summary>
    internal static ConfigLoadResult Load(string keys) => new TestServiceConfig().OtlpHttp().Exporter("kubetrace", keys).Load();

    [Fact]
    public void Config_takes_directory_retention_and_max_disk_size()
    {
        var result = Load("""
            directory: /var/lib/kubetrace
            retention: 24h
            max_disk_size: 20GiB
            """);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var config = (KubetraceExporterConfig)result.Config!.Exporters[new ComponentId("kubetrace", "")].Settings;
        Assert.Equal(("/var/lib/kubetrace", TimeSpan.FromHours(24), "20GiB"), (config.Directory, config.Retention, config.MaxDiskSize));
        Assert.True(ByteSize.TryParse(config.MaxDiskSize, out var bytes));
        Assert.Equal(20L << 30, bytes);
    }

    [Theory]
    [InlineData("10GiB", 10L << 30)]
    [InlineData("500MB", 500_000_000L)]
    [InlineData("1.5 TiB", 3L << 39)]
    [InlineData("4096", 4096L)]
    [InlineData("64Mi", 64L << 20)]
    public void Disk_sizes_are_read_as_people_write_them(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-5GiB")]
    [InlineData("10 parsecs")]
    public void A_bad_max_disk_size_is_a_config_problem(string text)
    {
        var problem = Assert.Single(new KubetraceExporterConfig { MaxDiskSize = text }.Validate());
        Assert.Equal("max_disk_size", problem.Key);
        Assert.Contains(text, problem.Message);
    }

    [Fact]
    public void Data_folder_is_the_path_key_else_the_environment_variable_else_data_in_the_working_directory()
    {
        Func<string, string?> unset = _ => null;
        Func<string, string?> set = name => name == "KUBETRACE_DATA" ? "/srv/traces" : null;

        Assert.Equal(Path.GetFullPath("data"), new KubetraceExporterConfig().ResolvedPath(unset));
        Assert.Equal("/srv/traces", new KubetraceExporterConfig().ResolvedPath(set));
        Assert.Equal("/tmp/x", new KubetraceExporterConfig { Directory = "/tmp/x" }.ResolvedPath(set));
    }

    [Fact]
    public void A_bad_size_is_reported_with_its_key()
    {
        var result = Load("max_disk_size: lots");

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.ToString().Contains("max_disk_size", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exported_spans_are_in_the_store_once_the_export_returns()
    {
        using var folder = new TempDirectory();
        var exporter = new KubetraceExporterFactory().Create(new TestSettings("kubetrace").Settings, new KubetraceExporterConfig { Directory = folder.Path });
        await exporter.StartAsync(CancellationToken.None);
        await exporter.ConsumeAsync(TraceBatch.FromRequest(Request(Resource("apiserver", Span(1, 1, 0, "GET /api/v1/pods")))), CancellationToken.None);
        await exporter.ShutdownAsync(CancellationToken.None);

        await using var store = EmbeddedTraceStore.Open(new StoreOptions { Directory = folder.Path });
        var stored = await store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(1)), CancellationToken.None);
        var resource = Assert.Single(stored!);
        Assert.Contains(resource.Resource.Attributes, a => a.Key == "service.name" && a.Value.StringValue == "apiserver");
        var span = Assert.Single(resource.ScopeSpans.SelectMany(s => s.Spans));
        Assert.Equal("GET /api/v1/pods", span.Name);
        Assert.Equal(TraceId(1), span.TraceId);
    }

    [Fact]
    public async Task Under_memory_pressure_the_store_writes_its_head_as_a_block_and_keeps_every_span()
    {
        using var folder = new TempDirectory();
        var pressure = new MemoryPressure();
        var settings = new TestSettings("kubetrace").Settings with { MemoryPressure = pressure };
        var exporter = new KubetraceExporterFactory().Create(settings, new KubetraceExporterConfig { Directory = folder.Path });
        await exporter.StartAsync(CancellationToken.None);
        await exporter.ConsumeAsync(TraceBatch.FromRequest(Request(Resource("apiserver", Span(1, 1, 0, "GET /api/v1/pods")))), CancellationToken.None);
        var store = settings.Directory.Find<ITraceStoreSource>(ComponentKind.Exporter, settings.Id)!.Store!;
        Assert.Equal((0, 1L), (store.GetStats().Blocks, store.GetStats().HeadSpans));

        Assert.True(await pressure.ReleaseAsync());

        Assert.Equal((1, 0L, 1L), (store.GetStats().Blocks, store.GetStats().HeadSpans, store.GetStats().Spans));
        Assert.False(await pressure.ReleaseAsync()); // an empty head: nothing left to give up (the limiter's floor)
        Assert.Equal(1, store.GetStats().Blocks);
        await exporter.ShutdownAsync(CancellationToken.None);
        Assert.False(pressure.CanRelease); // a stopped exporter is no longer asked
    }

    [Fact]
    public void Max_head_bytes_is_a_size_of_at_least_one_mebibyte()
    {
        Assert.Equal(64L << 20, StoreOptionsOf("""
                max_head_bytes: 64MiB
            """).MaxHeadBytes);
        Assert.Equal(StoreOptions.DefaultMaxHeadBytes, new KubetraceExporterConfig().ToStoreOptions().MaxHeadBytes);

        var tooSmall = Load("max_head_bytes: 1000");
        Assert.Contains(tooSmall.Errors, e => e.ToString().Contains("max_head_bytes", StringComparison.Ordinal)
            && e.ToString().Contains("at least 1MiB", StringComparison.Ordinal));
    }

    [Fact]
    public void Index_cache_size_is_a_size_that_bounds_the_block_indexes_held_for_queries()
    {
        Assert.Equal(16L << 20, StoreOptionsOf("""
                index_cache_size: 16MiB
            """).IndexCacheBytes);
        Assert.Equal(64L << 20, new KubetraceExporterConfig().ToStoreOptions().IndexCacheBytes);

        var notASize = Load("""
                index_cache_size: lots
            """);
        Assert.Contains(notASize.Errors, e => e.ToString().Contains("index_cache_size", StringComparison.Ordinal)
            && e.ToString().Contains("is not a size", StringComparison.Ordinal));
    }

    /// <summary>The store's options from an exporter config of these keys.</summary>
    private static StoreOptions StoreOptionsOf(string keys) =>
        ((KubetraceExporterConfig)Load(keys).Config!.Exporters[new ComponentId("kubetrace", "")].Settings).ToStoreOptions();
}
