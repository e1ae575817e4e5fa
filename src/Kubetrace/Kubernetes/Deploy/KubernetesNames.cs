using System.Text.RegularExpressions;

namespace Kubetrace.Kubernetes.Deploy;

/// <summary>Kubernetes' name rules (RFC 1123 label), as <c>kubectl</c> would reject them.</summary>
public static partial class KubernetesNames
{
    public static bool IsDnsLabel(string name) => name.Length is > 0 and <= 63 && DnsLabel().IsMatch(name);

    /// <summary>An object name such as a Secret's or ConfigMap's: dot-separated DNS labels, at most 253 characters.</summary>
    public static bool IsDnsSubdomain(string name) => name.Length is > 0 and <= 253 && name.Split('.').All(IsDnsLabel);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}

/// <summary>Checks on Kubernetes quantities written by the user.</summary>
public static partial class Quantity
{
    /// <summary>A binary or decimal size such as <c>10Gi</c> or <c>500M</c>.</summary>
    public static bool IsStorageSize(string text) => StorageSize().IsMatch(text);

    /// <summary>90% of a storage size, in the largest binary unit that keeps it whole, for the store's <c>max_disk_size</c>.</summary>
    public static string NinetyPercentAsByteSize(string size)
    {
        var match = StorageSize().Match(size);
        var number = decimal.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var unit = match.Groups[2].Value;
        long multiplier = unit switch
        {
            "Ki" => 1L << 10, "Mi" => 1L << 20, "Gi" => 1L << 30, "Ti" => 1L << 40,
            "k" => 1_000, "M" => 1_000_000, "G" => 1_000_000_000, "T" => 1_000_000_000_000,
            _ => 1,
        };
        var mib = (long)(number * multiplier * 0.9m) >> 20;
        return mib % 1024 == 0 ? $"{mib / 1024}GiB" : $"{mib}MiB";
    }

    [GeneratedRegex("^([0-9]+(?:\\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$")]
    private static partial Regex StorageSize();
}
