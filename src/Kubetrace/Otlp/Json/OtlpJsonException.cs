namespace Kubetrace.Otlp.Json;

/// <summary>
/// OTLP JSON that cannot be decoded, with the path of the offending value
/// (e.g. <c>resourceSpans[0].scopeSpans[1].spans[3].traceId: "xyz" is not a hex string</c>).
/// </summary>
/// <remarks>
/// The path is collected while the exception unwinds through the readers (each level prepends its field name or
/// index), so the success path pays nothing for it.
/// </remarks>
public sealed class OtlpJsonException : FormatException
{
    private readonly List<string> _segmentsInnerFirst = [];

    public OtlpJsonException(string problem, Exception? inner = null) : base(problem, inner) => Problem = problem;

    /// <summary>What was wrong, without the path.</summary>
    public string Problem { get; }

    /// <summary>Where it was wrong, e.g. <c>resourceSpans[0].scopeSpans[0].spans[2].kind</c>; empty at the top.</summary>
    public string Path
    {
        get
        {
            var builder = new System.Text.StringBuilder();
            for (var i = _segmentsInnerFirst.Count - 1; i >= 0; i--)
            {
                var segment = _segmentsInnerFirst[i];
                if (builder.Length > 0 && segment[0] != '[') builder.Append('.');
                builder.Append(segment);
            }
            return builder.ToString();
        }
    }

    public override string Message => _segmentsInnerFirst.Count == 0 ? Problem : $"{Path}: {Problem}";

    /// <summary>Records that the error happened inside field <paramref name="field"/>; returns this for <c>throw</c>.</summary>
    internal OtlpJsonException Within(string field)
    {
        if (field.Length > 0) _segmentsInnerFirst.Add(field);
        return this;
    }

    /// <summary>Records that the error happened in element <paramref name="index"/> of an array.</summary>
    internal OtlpJsonException AtIndex(int index)
    {
        _segmentsInnerFirst.Add($"[{index}]");
        return this;
    }

    /// <summary>Wraps a syntax error from the tokenizer (its message carries line and byte position).</summary>
    internal static OtlpJsonException Syntax(System.Text.Json.JsonException e) => new($"invalid JSON: {e.Message}", e);
}
