using System.Globalization;
using Kubetrace.Config;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// A file of etcd flags, one a line (what <c>kubetrace k8s tracing-config --component etcd</c> prints): the
/// distributed-tracing flags must exist in the etcd release (the <c>experimental-</c> names in 3.5 and, deprecated, in
/// 3.6; the plain names from 3.6; only those in 3.7), and their values must parse. Other etcd flags are left alone.
/// </summary>
public static class EtcdFlagsCheck
{
    private const string Experimental = "experimental-";
    private const string Enable = "enable-distributed-tracing";
    private const string Address = "distributed-tracing-address";
    private const string SamplingRate = "distributed-tracing-sampling-rate";
    private static readonly string[] BaseNames = [Enable, Address, "distributed-tracing-service-name", "distributed-tracing-instance-id", SamplingRate];
    private static readonly string[] AllNames = [.. BaseNames, .. BaseNames.Select(n => Experimental + n)];

    /// <summary>True when every line is blank, a comment or a flag, and one flag is about tracing.</summary>
    public static bool IsEtcdFlagsFile(string text)
    {
        var lines = Lines(text).Where(l => l.Text.Length > 0 && !l.Text.StartsWith('#')).ToList();
        return lines.Count > 0 && lines.All(l => l.Text.StartsWith("--", StringComparison.Ordinal))
            && lines.Any(l => l.Text.Contains("tracing", StringComparison.Ordinal));
    }

    public static ComponentConfigValidation Validate(string text, string source, ComponentVersion? version)
    {
        var diagnostics = new ConfigDiagnostics(source);
        var enabled = false;
        (int Line, int Column, string Name)? firstSetting = null;
        foreach (var (number, indent, line) in Lines(text))
        {
            if (!line.StartsWith("--", StringComparison.Ordinal)) continue;
            var equals = line.IndexOf('=');
            var name = equals < 0 ? line[2..] : line[2..equals];
            var value = equals < 0 ? null : line[(equals + 1)..];
            var valueColumn = indent + (equals < 0 ? 1 : equals + 2);
            if (!name.Contains("tracing", StringComparison.Ordinal)) continue;
            if (!AllNames.Contains(name))
            {
                diagnostics.Error(source, number, indent + 1, name, $"unknown flag \"--{name}\"{KeySuggestion.DidYouMean(name, AllNames)}");
                continue;
            }
            CheckName(name, version, source, number, indent + 1, diagnostics);
            var baseName = name.StartsWith(Experimental, StringComparison.Ordinal) ? name[Experimental.Length..] : name;
            if (baseName == Enable) enabled = value is null || value == "true";
            else firstSetting ??= (number, indent + 1, name);
            if (CheckValue(baseName, value) is { } problem) diagnostics.Error(source, number, valueColumn, name, problem);
        }
        if (!enabled && firstSetting is { } setting)
            diagnostics.Warning(source, setting.Line, setting.Column, setting.Name, $"--{setting.Name} is set but tracing is not enabled (add --{Prefix(setting.Name)}{Enable}=true)");
        var ordered = diagnostics.Errors.OrderBy(d => d.Line).ThenBy(d => d.Column).ToList();
        var release = version is { } v ? $"etcd {v}" : "etcd 3.5 to 3.7";
        return new ComponentConfigValidation(diagnostics.HasErrors ? null : "etcd flags", release, ordered, diagnostics.Warnings);
    }

    private static string Prefix(string name) => name.StartsWith(Experimental, StringComparison.Ordinal) ? Experimental : "";

    private static void CheckName(string name, ComponentVersion? version, string source, int line, int column, ConfigDiagnostics diagnostics)
    {
        var experimental = name.StartsWith(Experimental, StringComparison.Ordinal);
        var plain = experimental ? name[Experimental.Length..] : name;
        if (version is not { } release)
        {
            if (experimental)
                diagnostics.Warning(source, line, column, name, $"--{name} is etcd 3.5's name: deprecated in 3.6 and removed in 3.7 (there: --{plain}); give --etcd-version to check for your release");
            return;
        }
        if (plain == SamplingRate && !EtcdTracing.HasSamplingRateFlag(release))
            diagnostics.Error(source, line, column, name, $"etcd {release} does not know --{name}; it arrived in 3.5.11 (before, etcd samples without a rate: {EtcdTracing.SamplerWithoutRate(release)})");
        else if (!experimental && release.CompareTo(EtcdTracing.FirstWithUnprefixedFlags) < 0)
            diagnostics.Error(source, line, column, name, $"etcd {release} does not know --{name}; it arrived in 3.6 (3.5 has --{Experimental}{name})");
        else if (experimental && release.CompareTo(EtcdTracing.NewestKnown) >= 0)
            diagnostics.Error(source, line, column, name, $"etcd {release} removed --{name}; use --{plain}");
        else if (experimental && release.CompareTo(EtcdTracing.FirstWithUnprefixedFlags) >= 0)
            diagnostics.Warning(source, line, column, name, $"--{name} is deprecated in etcd {release} and removed in 3.7; use --{plain}");
    }

    private static string? CheckValue(string baseName, string? value) => baseName switch
    {
        Enable => value is null or "true" or "false" ? null : $"expected true or false, got \"{value}\"",
        Address => value is null ? "needs a value (host:port)" : TracingEndpoint.Problem(value),
        SamplingRate => value is null ? "needs a value (0 to 1000000 per million)"
            : !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var rate) ? $"expected an integer from 0 to 1000000, got \"{value}\""
            : !TracingConfig.SamplingRate.IsValid(rate) ? $"{rate} is out of range: from 0 to 1000000 (etcd refuses to start)"
            : null,
        _ => value is null or "" ? "needs a value" : null,
    };

    private static IEnumerable<(int Number, int Indent, string Text)> Lines(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            yield return (i + 1, lines[i].Length - trimmed.Length, trimmed.TrimEnd());
        }
    }
}
