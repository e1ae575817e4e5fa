namespace Kubetrace.Query.TraceQl;

/// <summary>Where an attribute is looked up: <c>.x</c> (None: span, then resource, event, link, scope), or one scope.</summary>
public enum AttributeScope { None, Trace, Resource, Span, Event, Link, Instrumentation }

/// <summary>The span, trace, event, link and scope fields TraceQL names directly (Tempo's Intrinsic).</summary>
public enum Intrinsic
{
    None, Duration, Name, Status, StatusMessage, Kind, ChildCount, TraceRootService, TraceRootSpan, TraceDuration,
    NestedSetLeft, NestedSetRight, NestedSetParent, EventName, EventTimeSinceStart, LinkSpanId, LinkTraceId,
    InstrumentationName, InstrumentationVersion, Parent, TraceId, SpanId, ParentId,
}

public static class Intrinsics
{
    /// <summary>The canonical spelling (Tempo's Intrinsic.String()).</summary>
    public static string Text(this Intrinsic intrinsic) => intrinsic switch
    {
        Intrinsic.Duration => "duration", Intrinsic.Name => "name", Intrinsic.Status => "status",
        Intrinsic.StatusMessage => "statusMessage", Intrinsic.Kind => "kind", Intrinsic.ChildCount => "span:childCount",
        Intrinsic.EventName => "event:name", Intrinsic.EventTimeSinceStart => "event:timeSinceStart",
        Intrinsic.LinkSpanId => "link:spanID", Intrinsic.LinkTraceId => "link:traceID", Intrinsic.Parent => "parent",
        Intrinsic.TraceRootService => "rootServiceName", Intrinsic.TraceRootSpan => "rootName",
        Intrinsic.TraceDuration => "traceDuration", Intrinsic.TraceId => "trace:id", Intrinsic.SpanId => "span:id",
        Intrinsic.ParentId => "span:parentID", Intrinsic.InstrumentationName => "instrumentation:name",
        Intrinsic.InstrumentationVersion => "instrumentation:version", Intrinsic.NestedSetLeft => "nestedSetLeft",
        Intrinsic.NestedSetRight => "nestedSetRight", Intrinsic.NestedSetParent => "nestedSetParent", _ => "none",
    };

    /// <summary>An unscoped name that denotes an intrinsic (<c>.duration</c> is the intrinsic, as in Tempo).</summary>
    public static Intrinsic FromName(string name) => name switch
    {
        "duration" => Intrinsic.Duration, "name" => Intrinsic.Name, "status" => Intrinsic.Status,
        "statusMessage" => Intrinsic.StatusMessage, "kind" => Intrinsic.Kind, "event:name" => Intrinsic.EventName,
        "event:timeSinceStart" => Intrinsic.EventTimeSinceStart, "link:spanID" => Intrinsic.LinkSpanId,
        "link:traceID" => Intrinsic.LinkTraceId, "parent" => Intrinsic.Parent, "rootServiceName" => Intrinsic.TraceRootService,
        "rootName" => Intrinsic.TraceRootSpan, "traceDuration" => Intrinsic.TraceDuration, "trace:id" => Intrinsic.TraceId,
        "span:id" => Intrinsic.SpanId, "span:parentID" => Intrinsic.ParentId, "span:childCount" => Intrinsic.ChildCount,
        "instrumentation:name" => Intrinsic.InstrumentationName, "instrumentation:version" => Intrinsic.InstrumentationVersion,
        "nestedSetLeft" => Intrinsic.NestedSetLeft, "nestedSetRight" => Intrinsic.NestedSetRight,
        "nestedSetParent" => Intrinsic.NestedSetParent,
        "span:status" => Intrinsic.Status, "span:statusMessage" => Intrinsic.StatusMessage, "span:duration" => Intrinsic.Duration,
        "span:name" => Intrinsic.Name, "span:kind" => Intrinsic.Kind, "trace:rootName" => Intrinsic.TraceRootSpan,
        "trace:rootService" => Intrinsic.TraceRootService, "trace:duration" => Intrinsic.TraceDuration,
        _ => Intrinsic.None,
    };

    /// <summary>The type an intrinsic always has (Tempo's impliedType).</summary>
    public static StaticType Type(this Intrinsic intrinsic) => intrinsic switch
    {
        Intrinsic.Duration or Intrinsic.EventTimeSinceStart or Intrinsic.TraceDuration => StaticType.Duration,
        Intrinsic.ChildCount or Intrinsic.NestedSetLeft or Intrinsic.NestedSetRight or Intrinsic.NestedSetParent => StaticType.Int,
        Intrinsic.Status => StaticType.Status,
        Intrinsic.Kind => StaticType.Kind,
        Intrinsic.Parent => StaticType.Nil,
        Intrinsic.None => StaticType.Attribute,
        _ => StaticType.String,
    };

    public static string Text(this AttributeScope scope) => scope switch
    {
        AttributeScope.Trace => "trace", AttributeScope.Span => "span", AttributeScope.Resource => "resource",
        AttributeScope.Event => "event", AttributeScope.Link => "link", AttributeScope.Instrumentation => "instrumentation",
        _ => "none",
    };
}
