using System.Text.RegularExpressions;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Processors.AttributeActions;

namespace Kubetrace.Processors.SpanMatching;

/// <summary>Compiled <see cref="MatchProperties"/>: does a span (with its resource and scope) match them?</summary>
public sealed class SpanMatcher
{
    private readonly bool _regexp;
    private readonly StringSet _services;
    private readonly StringSet _spanNames;
    private readonly HashSet<Span.Types.SpanKind> _kinds;
    private readonly (string Key, AnyValue? Value, Regex? Pattern)[] _attributes;
    private readonly (string Key, AnyValue? Value, Regex? Pattern)[] _resources;
    private readonly LibraryMatch[] _libraries;
    private readonly bool _logsOnly;

    public SpanMatcher(MatchProperties properties)
    {
        _regexp = properties.MatchType == "regexp";
        _services = new StringSet(properties.Services, _regexp);
        _spanNames = new StringSet(properties.SpanNames, _regexp);
        _kinds = properties.SpanKinds.Select(k => Enum.TryParse<Span.Types.SpanKind>(k.Replace("SPAN_KIND_", "").Replace("_", ""), true, out var kind) ? kind : (Span.Types.SpanKind)(-1)).ToHashSet();
        _attributes = properties.Attributes.Select(CompileAttribute).ToArray();
        _resources = properties.Resources.Select(CompileAttribute).ToArray();
        _libraries = [.. properties.Libraries];
        _logsOnly = properties.LogBodies.Count + properties.LogSeverityTexts.Count > 0;
    }

    private (string, AnyValue?, Regex?) CompileAttribute(AttributeMatch match)
    {
        var value = match.Value is null ? null : AttributeValues.FromYaml(match.Value);
        return (match.Key, value, _regexp && value is not null ? CollectorRegex.Compile(AttributeValues.AsString(value)) : null);
    }

    public bool Matches(Otlp.Proto.Resource.Resource? resource, InstrumentationScope? scope, Span span)
    {
        if (_logsOnly) return false;
        if (!_services.IsEmpty && !_services.Contains(ServiceName(resource))) return false;
        if (!_spanNames.IsEmpty && !_spanNames.Contains(span.Name)) return false;
        if (_kinds.Count > 0 && !_kinds.Contains(span.Kind)) return false;
        if (_libraries.Length > 0 && !_libraries.Any(l => l.Name == (scope?.Name ?? "") && (l.Version is null || l.Version == (scope?.Version ?? "")))) return false;
        return AllMatch(_attributes, span.Attributes) && AllMatch(_resources, resource?.Attributes);
    }

    private static string ServiceName(Otlp.Proto.Resource.Resource? resource)
    {
        if (resource is null) return "";
        foreach (var attribute in resource.Attributes)
            if (attribute.Key == "service.name") return attribute.Value?.StringValue ?? "";
        return "";
    }

    private static bool AllMatch((string Key, AnyValue? Value, Regex? Pattern)[] wanted, IEnumerable<KeyValue>? attributes)
    {
        foreach (var (key, value, pattern) in wanted)
        {
            var found = attributes?.FirstOrDefault(a => a.Key == key);
            if (found is null) return false;
            if (value is null) continue;
            if (pattern is not null)
            {
                if (found.Value?.ValueCase != AnyValue.ValueOneofCase.StringValue || !pattern.IsMatch(found.Value.StringValue)) return false;
            }
            else if (!value.Equals(found.Value)) return false; // strict: same type and value ("false" is not false)
        }
        return true;
    }

    /// <summary>A list of names matched exactly or as unanchored regexes.</summary>
    private sealed class StringSet(List<string> values, bool regexp)
    {
        private readonly HashSet<string> _exact = regexp ? [] : [.. values];
        private readonly Regex[] _patterns = regexp ? values.Select(v => CollectorRegex.Compile(v)).ToArray() : [];

        public bool IsEmpty => _exact.Count == 0 && _patterns.Length == 0;

        public bool Contains(string value) => _exact.Contains(value) || _patterns.Any(p => p.IsMatch(value));
    }
}
