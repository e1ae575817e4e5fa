namespace Kubetrace.Storage;

/// <summary>A span the store has just made durable and queryable, as strings from its dictionaries (no copy).</summary>
/// <param name="Kind">OTLP span kind number.</param>
/// <param name="StatusCode">OTLP status code number (0 unset, 1 ok, 2 error).</param>
public readonly record struct AppendedSpan(string Service, string Name, int Kind, int StatusCode, long DurationNanos);

/// <summary>
/// Sees every span appended through <see cref="ITraceStore.AppendAsync"/> once it is durable (not the spans
/// replayed from the WAL at start-up), on the store's single ingest thread: keep it cheap (spanmetrics).
/// </summary>
public interface ISpanObserver
{
    void Observe(in AppendedSpan span);
}
