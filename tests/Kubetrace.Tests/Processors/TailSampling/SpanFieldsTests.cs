using Google.Protobuf;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Processors.TailSampling;

namespace Kubetrace.Tests.Processors.TailSampling;

/// <summary>
/// A buffered span's singular fields are read in one pass over its bytes and must be what the decoder reads, also
/// when a sender repeats fields (two encodings one after the other merge: the last singular field wins, status
/// codes of two status fields merge).
/// </summary>
public class SpanFieldsTests
{
    private static readonly Span Full = new()
    {
        TraceId = ByteString.CopyFrom(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray()),
        SpanId = ByteString.CopyFrom(new byte[8] { 1, 2, 3, 4, 5, 6, 7, 8 }),
        TraceState = "vendor=x",
        Name = "GuaranteedUpdate etcd3",
        StartTimeUnixNano = 1_700_000_000_000_000_000,
        EndTimeUnixNano = 1_700_000_000_250_000_000,
        Status = new Status { Code = Status.Types.StatusCode.Error, Message = "boom" },
    };

    public static TheoryData<string, string> Merges => new()
    {
        { "full", "" },
        { "full", "renamed" },
        { "renamed", "full" },
        { "full", "status-message-only" },
        { "full", "status-ok" },
        { "status-ok", "status-message-only" },
        { "", "" },
    };

    private static Span Part(string name) => name switch
    {
        "full" => Full,
        "renamed" => new Span { Name = "Call mutating webhook", TraceState = "", EndTimeUnixNano = 9 },
        "status-message-only" => new Span { Status = new Status { Message = "no code here" } },
        "status-ok" => new Span { Status = new Status { Code = Status.Types.StatusCode.Ok } },
        _ => new Span(),
    };

    [Theory]
    [MemberData(nameof(Merges))]
    public void One_pass_reads_what_the_decoder_reads(string first, string second)
    {
        var bytes = Part(first).ToByteArray().Concat(Part(second).ToByteArray()).ToArray();
        var decoded = Span.Parser.ParseFrom(bytes);

        var buffered = new BufferedSpan(new ScopeGroup(new ResourceGroup([]), []), bytes);

        Assert.Equal(decoded.TraceId.ToByteArray(), buffered.TraceId.ToArray());
        Assert.Equal(decoded.TraceState, System.Text.Encoding.UTF8.GetString(buffered.TraceState));
        Assert.Equal(decoded.Name, System.Text.Encoding.UTF8.GetString(buffered.Name));
        Assert.Equal(decoded.StartTimeUnixNano, buffered.Fields.StartTimeUnixNano);
        Assert.Equal(decoded.EndTimeUnixNano, buffered.Fields.EndTimeUnixNano);
        Assert.Equal((int)(decoded.Status?.Code ?? Status.Types.StatusCode.Unset), buffered.Fields.StatusCode);
        Assert.True(buffered.Fields.WellFormed);
    }

    [Fact]
    public void A_span_without_a_tracestate_field_says_so_and_an_empty_one_is_still_a_field()
    {
        var without = new BufferedSpan(new ScopeGroup(new ResourceGroup([]), []), new Span { Name = "a" }.ToByteArray());
        var emptyField = new byte[] { 0x1A, 0x00 }; // field 3, length 0: what the object model never writes but a sender may
        var withEmpty = new BufferedSpan(new ScopeGroup(new ResourceGroup([]), []), emptyField);

        Assert.False(without.Fields.HasTraceStateField);
        Assert.True(withEmpty.Fields.HasTraceStateField);
    }
}
