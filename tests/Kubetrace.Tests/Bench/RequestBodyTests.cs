using Google.Protobuf;
using Kubetrace.Bench.Workload;
using Kubetrace.Otlp.Proto.Collector;

namespace Kubetrace.Tests.Bench;

public class RequestBodyTests
{
    private static readonly long TemplateTime = 1_700_000_000_000_000_000;

    [Fact]
    public void The_patch_map_finds_every_id_and_time_of_the_encoded_request()
    {
        var request = new KubernetesSpanMix(15, seed: 1).Build(300, 0, TemplateTime);
        var spans = KubernetesSpanMixTests.AllSpans(request).Select(s => s.Span).ToList();

        var map = PatchMap.Scan(request.ToByteArray());

        Assert.Equal(300, map.SpanCount);
        Assert.Equal(spans.Count + spans.Sum(s => s.Links.Count), map.TraceIds.Count);
        Assert.Equal(spans.Count + spans.Count(s => !s.ParentSpanId.IsEmpty) + spans.Sum(s => s.Links.Count), map.SpanIds.Count);
        Assert.Equal(2 * spans.Count + spans.Sum(s => s.Events.Count), map.Times.Count);
    }

    [Fact]
    public void Each_refresh_gives_new_ids_that_keep_traces_and_parent_links_and_moves_times_to_now()
    {
        var template = new KubernetesSpanMix(15, seed: 1).Build(300, 0, TemplateTime);
        var bytes = template.ToByteArray();
        var body = new RequestBody(bytes, PatchMap.Scan(bytes), TemplateTime);
        var shift = 3_600_000_000_000L;

        body.Refresh(salt: 0x1234_5678_9abc_def1, nowNanos: TemplateTime + shift);
        var first = ExportTraceServiceRequest.Parser.ParseFrom(body.Bytes);
        body.Refresh(salt: 0x0fed_cba9_8765_4321, nowNanos: TemplateTime + shift);
        var second = ExportTraceServiceRequest.Parser.ParseFrom(body.Bytes);

        var before = KubernetesSpanMixTests.AllSpans(template).Select(s => s.Span).ToList();
        var after = KubernetesSpanMixTests.AllSpans(second).Select(s => s.Span).ToList();
        var firstSpans = KubernetesSpanMixTests.AllSpans(first).Select(s => s.Span).ToList();
        Assert.Empty(firstSpans.Select(s => s.SpanId).Intersect(after.Select(s => s.SpanId)));
        Assert.Empty(firstSpans.Select(s => s.TraceId).Intersect(after.Select(s => s.TraceId)));
        Assert.Equal(before.Select(s => s.TraceId).Distinct().Count(), after.Select(s => s.TraceId).Distinct().Count());
        var ids = after.Select(s => s.SpanId).ToHashSet();
        Assert.All(after.Where(s => !s.ParentSpanId.IsEmpty), s => Assert.Contains(s.ParentSpanId, ids));
        for (var i = 0; i < before.Count; i++)
        {
            Assert.Equal(before[i].Name, after[i].Name);
            Assert.Equal(before[i].Attributes, after[i].Attributes);
            Assert.Equal(before[i].StartTimeUnixNano + (ulong)shift, after[i].StartTimeUnixNano);
            Assert.Equal(before[i].EndTimeUnixNano + (ulong)shift, after[i].EndTimeUnixNano);
            Assert.Equal(before[i].ParentSpanId.IsEmpty, after[i].ParentSpanId.IsEmpty);
        }
    }

    [Fact]
    public void Gzip_of_a_body_decompresses_to_its_current_bytes()
    {
        var bytes = new KubernetesSpanMix(15, seed: 1).Build(100, 0, TemplateTime).ToByteArray();
        var body = new RequestBody(bytes, PatchMap.Scan(bytes), TemplateTime);
        body.Refresh(42, TemplateTime);

        var gzipped = body.Gzip();
        using var input = new System.IO.Compression.GZipStream(new MemoryStream(gzipped.ToArray()), System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);

        Assert.Equal(body.Bytes, output.ToArray());
        Assert.True(gzipped.Count < body.Bytes.Length / 2);
    }
}
