using System.Globalization;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Processors.ProbabilisticSampler;

/// <summary>
/// The OpenTracing <c>sampling.priority</c> span attribute, read as the Collector reads it: 0 forces the span
/// out, a positive number forces it in, anything else (negative, unparsable, absent) leaves the decision to the rate.
/// </summary>
internal enum SamplingPriority
{
    Defer,
    MustSample,
    DoNotSample,
}

internal static class SamplingPriorityAttribute
{
    public const string Key = "sampling.priority";

    public static ReadOnlySpan<byte> KeyUtf8 => "sampling.priority"u8;

    public static SamplingPriority Of(Span span)
    {
        foreach (var attribute in span.Attributes)
        {
            if (attribute.Key != Key) continue;
            var value = attribute.Value;
            double? number = value?.ValueCase switch
            {
                AnyValue.ValueOneofCase.IntValue => value.IntValue,
                AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
                AnyValue.ValueOneofCase.StringValue when double.TryParse(value.StringValue, NumberStyles.Float,
                    CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => null,
            };
            return number switch
            {
                0 => SamplingPriority.DoNotSample,
                > 0 => SamplingPriority.MustSample,
                _ => SamplingPriority.Defer,
            };
        }
        return SamplingPriority.Defer;
    }
}
