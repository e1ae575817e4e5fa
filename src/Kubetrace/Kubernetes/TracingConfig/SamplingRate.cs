using System.Globalization;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// <c>samplingRatePerMillion</c> of k8s.io/component-base tracing (an int32 from 0 to 1,000,000), and its conversion
/// to the ratio that etcd's and containerd's settings take.
/// </summary>
public static class SamplingRate
{
    public const int PerMillionMax = 1_000_000;

    public static bool IsValid(long perMillion) => perMillion is >= 0 and <= PerMillionMax;

    public static double Ratio(int perMillion) => perMillion / (double)PerMillionMax;

    /// <summary>The ratio as written in TOML and environment variables: <c>0.0001</c>, <c>1.0</c>, never exponent notation.</summary>
    public static string RatioText(int perMillion) => Ratio(perMillion).ToString("0.0#####", CultureInfo.InvariantCulture);

    /// <summary>"1 in 10,000 traces", for comments in generated files.</summary>
    public static string Describe(int perMillion) => perMillion switch
    {
        0 => "no new traces (only spans whose parent was sampled)",
        PerMillionMax => "every trace",
        _ => Fraction(perMillion) + " traces",
    };

    /// <summary>"1 in 10,000", "0.15%", "none", "all": the share of requests that start a sampled trace.</summary>
    public static string Fraction(int perMillion) => perMillion switch
    {
        0 => "none",
        PerMillionMax => "all",
        _ when PerMillionMax % perMillion == 0 => $"1 in {(PerMillionMax / perMillion).ToString("N0", CultureInfo.InvariantCulture)}",
        _ => $"{(perMillion / 10_000.0).ToString("0.####", CultureInfo.InvariantCulture)}%",
    };
}
