using System.Text;

namespace Kubetrace.Otlp.Validation;

/// <summary>
/// Collects the spans refused from one request into the partial-success message: a count and the first few
/// problems, so that the message stays short however bad the request is.
/// </summary>
public sealed class RejectionReport
{
    private const int DetailedProblems = 3;
    private readonly List<string> _details = new(DetailedProblems);

    public int Rejected { get; private set; }

    /// <param name="spanIndex">Position of the span in the request (0-based, counted across all resources and scopes).</param>
    public void Add(int spanIndex, string spanName, string problem)
    {
        Rejected++;
        if (_details.Count < DetailedProblems)
            _details.Add($"span {spanIndex} (name \"{Shorten(spanName)}\"): {problem}");
    }

    /// <summary>e.g. <c>2 of 10 spans rejected: span 3 (name "x"): trace_id must be 16 bytes, got 3; span 7 ...</c>.</summary>
    public string ToMessage(int totalSpans)
    {
        var message = new StringBuilder();
        message.Append(Rejected).Append(" of ").Append(totalSpans).Append(totalSpans == 1 ? " span" : " spans").Append(" rejected: ");
        message.AppendJoin("; ", _details);
        if (Rejected > _details.Count) message.Append("; and ").Append(Rejected - _details.Count).Append(" more");
        return message.ToString();
    }

    private static string Shorten(string name) => name.Length <= 64 ? name : name[..64] + "...";
}
