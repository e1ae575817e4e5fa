namespace Kubetrace.Analysis;

/// <summary>
/// The native search (<c>GET /api/v1/search</c>, docs/api.md) for the spans one analysis row measured: every
/// condition holds on the same span, so within the analysis's range (a span counts when it starts in it, as the
/// search's <c>start</c>/<c>end</c>) it finds the row's own spans and their traces. The UI links each row to it: the
/// slowest (from the p99), a typical one (within the p50's bounds) and all.
/// </summary>
/// <param name="Service">The spans' <c>service.name</c>; null: any.</param>
/// <param name="Name">The span name; null: any.</param>
/// <param name="Kind">The span kind as the search takes it (<c>server</c>, <c>client</c>, ...); null: any.</param>
/// <param name="Attributes"><c>key=value</c> conditions as <c>attr=</c> takes them (Kubetrace's normalised Kubernetes names).</param>
public sealed record RowSearch(string? Service, string? Name, string? Kind, IReadOnlyList<string> Attributes);
