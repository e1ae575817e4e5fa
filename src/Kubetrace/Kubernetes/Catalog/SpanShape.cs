using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// One span as a component's code builds it in a range of releases: its name (or name pattern), kind, instrumentation
/// scope, where it hangs (its parent), when it ends, its attributes and events, and the upstream lines that say so.
/// The simulator writes these shapes and the analyses read them, so both name spans and keys through the catalog.
/// </summary>
public sealed record SpanShape
{
    /// <summary>The exporting component's <c>service.name</c> as it sends it by default (<c>apiserver</c>, <c>etcd</c>, <c>kubelet</c>, <c>containerd</c>).</summary>
    public required string Component { get; init; }

    public required ReleaseRange Releases { get; init; }

    /// <summary>The span name; a pattern in angle brackets where the name varies (<c>&lt;METHOD&gt; &lt;route&gt;</c>).</summary>
    public required string Name { get; init; }

    public required SpanKind Kind { get; init; }

    /// <summary>The instrumentation scope (tracer name) the span is reported under.</summary>
    public required string Scope { get; init; }

    /// <summary>Where the span hangs: another shape's name, <c>root</c>, or the remote caller, in words.</summary>
    public required string Parent { get; init; }

    /// <summary>When the span ends, in terms of the code (e.g. <c>defer span.End()</c>: when the whole request ends).</summary>
    public required string Ends { get; init; }

    public IReadOnlyList<AttributeShape> Attributes { get; init; } = [];

    public IReadOnlyList<EventShape> Events { get; init; } = [];

    /// <summary>The upstream lines that start the span, set its attributes, and end it (at least the one that starts it).</summary>
    public required IReadOnlyList<SourceRef> Sources { get; init; }

    /// <summary>Anything a reader must know that the fields do not say (e.g. a known upstream bug and its fix).</summary>
    public string? Note { get; init; }

    /// <summary>
    /// Whether a span called <paramref name="name"/> has this shape's name: equal, or matching the pattern, where a
    /// part in angle brackets stands for one word without spaces: <c>&lt;METHOD&gt;</c> (any upper-case word) an
    /// HTTP method, <c>&lt;route&gt;</c> or <c>&lt;path&gt;</c> a path starting with a slash, anything else any word.
    /// </summary>
    public bool NameMatches(string name)
    {
        if (!Name.Contains('<')) return name == Name;
        var pattern = System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Escape(Name), "<([^>]*)>", m =>
            m.Groups[1].Value is "route" or "path" ? "/[^ ]*" : m.Groups[1].Value.All(char.IsUpper) ? "[A-Z]+" : "[^ ]+");
        return System.Text.RegularExpressions.Regex.IsMatch(name, "^" + pattern + "$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
    }

    /// <summary>The attribute keys present on the span in <paramref name="release"/>.</summary>
    public IEnumerable<AttributeShape> AttributesIn(ComponentRelease release) =>
        Attributes.Where(a => a.Releases is not { } r || r.Contains(release));

    /// <summary>The events recorded on the span in <paramref name="release"/>.</summary>
    public IEnumerable<EventShape> EventsIn(ComponentRelease release) =>
        Events.Where(e => e.Releases is not { } r || r.Contains(release));
}

/// <summary>
/// An attribute key on a span, with the form of its value (<c>string: group.resource, e.g. deployments.apps</c>) and
/// the releases it is present in when narrower than the span's (null: all of the span's releases).
/// </summary>
public sealed record AttributeShape(string Key, string ValueForm, ReleaseRange? Releases = null, bool Optional = false);

/// <summary>A span event: its name (or pattern), its attribute keys, and the releases it is recorded in when narrower than the span's.</summary>
public sealed record EventShape(string Name, IReadOnlyList<string> AttributeKeys, ReleaseRange? Releases = null, string? When = null);
