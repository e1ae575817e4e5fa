using System.Text.Json;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Query;
using Kubetrace.Query.TraceQl;
using Microsoft.AspNetCore.Http;
using StorageScope = Kubetrace.Storage.AttributeScope;
using TimeRange = Kubetrace.Storage.TimeRange;

namespace Kubetrace.Api.Tempo;

/// <summary>
/// Tag names and values as Grafana's search builder asks for them: names per scope (<c>span resource event link
/// instrumentation intrinsic</c>), values of a scoped tag (<c>span.http.method</c>, <c>resource.service.name</c>,
/// <c>status</c>, <c>event.x</c>) with their TraceQL types, and with <c>q</c> only those of spans matching that
/// TraceQL query (Grafana sends the other filters of the builder). Span and resource names and values come from
/// the store's indexes; events, links, scopes and <c>q</c>-filtered answers from the spans of recent matching traces.
/// </summary>
public static class TempoTags
{
    /// <summary>Tempo's intrinsic tags (pkg/search/util.go GetVirtualIntrinsicValues).</summary>
    private static readonly string[] IntrinsicTags =
    [
        "duration", "name", "status", "statusMessage", "kind", "rootServiceName", "rootName", "traceDuration", "event:name",
        "event:timeSinceStart", "link:spanID", "link:traceID", "instrumentation:name", "instrumentation:version", "trace:id",
        "span:id", "span:parentID", "span:status", "span:statusMessage", "span:duration", "span:name", "span:kind",
        "trace:rootName", "trace:rootService", "trace:duration",
    ];

    private static readonly string[] Scopes = ["span", "resource", "event", "link", "instrumentation", "intrinsic"];
    private const int MaxValues = 1000;

    /// <summary>Traces read to answer from spans (events, links, scopes, or a <c>q</c> filter).</summary>
    private const int SampleTraces = 200;

    public static async Task TagsAsync(HttpContext context, QueryEngine engine, bool v2)
    {
        var scope = context.Request.Query["scope"].ToString();
        // "none" is Tempo's own word for every scope (traceql.AttributeScopeFromString), as an absent scope is.
        var every = scope is "" or "none" or "all";
        if (!every && !Scopes.Contains(scope)) throw new BadQueryException($"invalid scope: {scope}");
        var wanted = every ? Scopes : [scope];
        var filter = Filter(context);
        var names = new Dictionary<string, IReadOnlyCollection<string>>();
        List<SpanRecord>? sample = null;
        foreach (var name in wanted)
        {
            if (name == "intrinsic")
            {
                names[name] = IntrinsicTags;
                continue;
            }
            if (filter is null && name is "span" or "resource")
            {
                names[name] = await engine.Store.GetAttributeNamesAsync(name == "span" ? StorageScope.Span : StorageScope.Resource, context.RequestAborted);
                continue;
            }
            sample ??= await SampleAsync(context, engine, filter);
            names[name] = sample.SelectMany(s => AttributesIn(s, name)).Select(a => a.Key).Distinct().Order(StringComparer.Ordinal).Take(MaxValues).ToList();
        }
        await JsonBody.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            if (v2)
            {
                w.WriteStartArray("scopes");
                foreach (var name in wanted)
                {
                    if (names[name].Count == 0 && name is "event" or "link" or "instrumentation" && wanted.Length > 1) continue;
                    w.WriteStartObject();
                    w.WriteString("name", name);
                    WriteStrings(w, "tags", names[name]);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            else WriteStrings(w, "tagNames", names.Where(n => n.Key != "intrinsic" || scope == "intrinsic")
                .SelectMany(n => n.Value).Distinct().Order(StringComparer.Ordinal));
            w.WriteStartObject("metrics");
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    public static async Task ValuesAsync(HttpContext context, QueryEngine engine, bool v2)
    {
        var tag = RouteText.Get(context, "tag");
        var attribute = v2 ? ParseTag(tag) : new AttributeRef(tag, AttributeScope.None, false, Intrinsic.None);
        var filter = Filter(context);
        var values = await ValuesOfAsync(context, engine, attribute, filter);
        await JsonBody.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("tagValues");
            foreach (var (type, value) in values)
            {
                if (!v2)
                {
                    w.WriteStringValue(value);
                    continue;
                }
                w.WriteStartObject();
                w.WriteString("type", type);
                w.WriteString("value", value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("metrics");
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static async Task<IReadOnlyList<(string Type, string Value)>> ValuesOfAsync(HttpContext context, QueryEngine engine,
        AttributeRef attribute, RootExpr? filter)
    {
        if (filter is null)
        {
            switch (attribute.Intrinsic)
            {
                case Intrinsic.Status: return Keywords("error", "ok", "unset");
                case Intrinsic.Kind: return Keywords("unspecified", "internal", "server", "client", "producer", "consumer");
                case Intrinsic.TraceRootService:
                    return Strings(await engine.Store.GetServicesAsync(context.RequestAborted));
                case Intrinsic.Name:
                    var names = new SortedSet<string>(StringComparer.Ordinal);
                    foreach (var service in await engine.Store.GetServicesAsync(context.RequestAborted))
                    {
                        foreach (var operation in await engine.Store.GetOperationsAsync(service, context.RequestAborted)) names.Add(operation.Name);
                        if (names.Count >= MaxValues) break;
                    }
                    return Strings(names.Take(MaxValues));
            }
            if (attribute is { Intrinsic: Intrinsic.None, Scope: AttributeScope.Resource, Name: "service.name" })
                return Strings(await engine.Store.GetServicesAsync(context.RequestAborted));
            if (attribute is { Intrinsic: Intrinsic.None, Scope: AttributeScope.Span or AttributeScope.Resource or AttributeScope.None })
            {
                var scope = attribute.Scope switch { AttributeScope.Span => StorageScope.Span, AttributeScope.Resource => StorageScope.Resource, _ => StorageScope.Any };
                var texts = await engine.Store.GetAttributeValuesAsync(scope, attribute.Name, MaxValues, context.RequestAborted);
                return texts.Select(t => (InferType(t), t)).ToList();
            }
        }
        var sample = await SampleAsync(context, engine, filter);
        return sample.SelectMany(span => ValuesIn(span, attribute))
            .Where(v => !v.IsNil)
            .Select(v => (TypeName(v), v.Encode(quotes: false)))
            .Distinct()
            .OrderBy(v => v.Item2, StringComparer.Ordinal)
            .Take(MaxValues)
            .ToList();
    }

    /// <summary>The values a span holds for an attribute: one per event or link for those scopes.</summary>
    private static IEnumerable<Static> ValuesIn(SpanRecord span, AttributeRef attribute)
    {
        if (attribute.Scope == AttributeScope.Event || attribute.Intrinsic is Intrinsic.EventName or Intrinsic.EventTimeSinceStart)
            return span.Span.Events.Select(e => Evaluator.Lookup(attribute, new Evaluator.SpanContext(span, Event: e)));
        if (attribute.Scope == AttributeScope.Link || attribute.Intrinsic is Intrinsic.LinkSpanId or Intrinsic.LinkTraceId)
            return span.Span.Links.Select(l => Evaluator.Lookup(attribute, new Evaluator.SpanContext(span, Link: l)));
        return [Evaluator.Lookup(attribute, new Evaluator.SpanContext(span))];
    }

    private static IEnumerable<KeyValue> AttributesIn(SpanRecord span, string scope) => scope switch
    {
        "span" => span.Span.Attributes,
        "resource" => span.Resource.Resource?.Attributes ?? [],
        "event" => span.Span.Events.SelectMany(e => e.Attributes),
        "link" => span.Span.Links.SelectMany(l => l.Attributes),
        _ => span.Scope.Scope?.Attributes ?? [],
    };

    /// <summary>Spans of recent traces matching the filter (all spans of recent traces without one).</summary>
    private static async Task<List<SpanRecord>> SampleAsync(HttpContext context, QueryEngine engine, RootExpr? filter)
    {
        var query = filter ?? Parser.Parse("{}");
        var request = new TraceQlSearchRequest(query, Range(context), SampleTraces) { SpansPerSpanset = int.MaxValue };
        var result = await TempoTraceQl.Run(() => engine.TraceQl().SearchAsync(request, context.RequestAborted));
        return result.Traces.SelectMany(t => t.Spansets).SelectMany(s => s.Spans).Distinct().ToList();
    }

    /// <summary>The <c>q</c> parameter as a TraceQL filter; none when absent or <c>{}</c> (everything).</summary>
    private static RootExpr? Filter(HttpContext context)
    {
        var q = context.Request.Query["q"].ToString();
        if (string.IsNullOrWhiteSpace(q)) return null;
        var root = TempoTraceQl.Parse(q);
        if (root.SearchPipeline is not { } pipeline) throw new BadQueryException("invalid q: a metrics query cannot filter tags");
        return pipeline.Elements is [SpansetFilter { Expression: Literal { Value.Type: StaticType.Boolean } l }] && l.Value.AsBool ? null : root;
    }

    private static TimeRange Range(HttpContext context)
    {
        var query = context.Request.Query;
        if (!GoText.TryParseUint32(query["start"].ToString(), out var start, out _) || !GoText.TryParseUint32(query["end"].ToString(), out var end, out _) || end <= start)
            return TimeRange.All;
        return new TimeRange(start * 1_000_000_000L, (end + 1L) * 1_000_000_000L);
    }

    /// <summary>A v2 tag is a TraceQL attribute: <c>span.x</c>, <c>resource.x</c>, <c>.x</c>, <c>event.x</c>, an intrinsic.</summary>
    private static AttributeRef ParseTag(string tag)
    {
        try
        {
            if (Parser.ParseOnly("{ " + tag + " }").SearchPipeline?.Elements is [SpansetFilter { Expression: AttributeRef attribute }])
                return attribute;
        }
        catch (TraceQlException)
        {
        }
        throw new BadQueryException($"invalid tag \"{tag}\": use span.x, resource.x, .x, event.x, link.x, instrumentation.x or an intrinsic (name, status, kind, ...)");
    }

    private static string InferType(string text) =>
        text is "true" or "false" ? "bool" :
        long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _) ? "int" :
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _) && text.Contains('.') ? "float" :
        "string";

    private static string TypeName(Static value) => value.Type switch
    {
        StaticType.Int => "int",
        StaticType.Float => "float",
        StaticType.Boolean => "bool",
        StaticType.Duration => "duration",
        StaticType.Status or StaticType.Kind => "keyword",
        _ => "string",
    };

    private static List<(string, string)> Keywords(params string[] values) => values.Select(v => ("keyword", v)).ToList();

    private static List<(string, string)> Strings(IEnumerable<string> values) => values.Select(v => ("string", v)).ToList();

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> items)
    {
        w.WriteStartArray(name);
        foreach (var item in items) w.WriteStringValue(item);
        w.WriteEndArray();
    }
}
