namespace Kubetrace.Bench.Transport;

/// <summary>
/// The result of one export: accepted (with the count the server rejected through partial success) or failed
/// with a short error label such as <c>grpc UNAVAILABLE</c> or <c>http 429</c> and the server's or client's
/// message, kept as an example of what the label means.
/// </summary>
internal readonly record struct SendOutcome(long RejectedSpans, string? Error, string? Detail)
{
    public static SendOutcome Accepted(long rejectedSpans) => new(rejectedSpans, null, null);

    public static SendOutcome Failed(string error, string? detail = null) => new(0, error, detail);
}
