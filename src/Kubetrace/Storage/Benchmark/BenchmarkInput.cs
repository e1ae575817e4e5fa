using System.Buffers.Binary;
using System.Threading.Channels;
using Google.Protobuf;
using Kubetrace.Pipeline;

namespace Kubetrace.Storage.Benchmark;

/// <summary>
/// The benchmark's input, generated before timing into a file of length-prefixed OTLP requests and streamed back
/// during the run, so that the measured rate is the store's and not the generator's.
/// </summary>
internal static class BenchmarkInput
{
    /// <summary>Writes <paramref name="spans"/> spans, counted in <paramref name="counter"/>; returns every 100th trace ID (for trace-by-ID lookups).</summary>
    public static List<TraceId> Generate(string path, long spans, int batchSpans, DateTimeOffset now, int seed = 42, Bench.PhaseCounter? counter = null)
    {
        var generator = new KubernetesTraceGenerator(seed, now, TimeSpan.FromHours(2));
        var sample = new List<TraceId>();
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> header = stackalloc byte[8];
        var tracesPerBatch = Math.Max(1, batchSpans / KubernetesTraceGenerator.SpansPerTrace);
        var traceNumber = 0L;
        while (generator.SpansGenerated < spans)
        {
            var request = generator.NextRequest(tracesPerBatch);
            foreach (var span in request.ResourceSpans[0].ScopeSpans[0].Spans)
                if (span.ParentSpanId.IsEmpty && traceNumber++ % 100 == 0) sample.Add(TraceId.FromByteString(span.TraceId));
            var bytes = request.ToByteArray();
            BinaryPrimitives.WriteInt32LittleEndian(header, bytes.Length);
            var count = TraceBatch.CountSpans(request);
            BinaryPrimitives.WriteInt32LittleEndian(header[4..], count);
            file.Write(header);
            file.Write(bytes);
            counter?.Add(count);
        }
        return sample;
    }

    /// <summary>
    /// Streams the batches into a bounded channel (a reader thread; the file is in the page cache). Buffers are
    /// pooled, as a receiver's are: the caller returns <c>Buffer</c> once the append has completed.
    /// </summary>
    public static ChannelReader<(TraceBatch Batch, byte[] Buffer)> Stream(string path)
    {
        var channel = Channel.CreateBounded<(TraceBatch, byte[])>(32);
        _ = Task.Run(async () =>
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            var header = new byte[8];
            while (file.Read(header) == 8)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(header);
                var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
                file.ReadExactly(bytes, 0, length);
                var batch = TraceBatch.FromEncoded(bytes.AsMemory(0, length), BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4)));
                await channel.Writer.WriteAsync((batch, bytes));
            }
            channel.Writer.Complete();
        });
        return channel.Reader;
    }
}
