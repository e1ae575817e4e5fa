using Kubetrace.Api.Authorization;
using Kubetrace.Components;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Hosting;
using Kubetrace.Extensions.Auth;
using Kubetrace.Hosting.Tls;
using Kubetrace.Query;
using Kubetrace.Query.Budget;

namespace Kubetrace.Api.Extension;

/// <summary>Config of the <c>kubetrace_query</c> extension.</summary>
public sealed class KubetraceQueryConfig : IValidatableConfig, IListeningConfig
{
    public IEnumerable<ListenerSetting> Listeners
    {
        get
        {
            yield return new("endpoint", Endpoint, e => Endpoint = e);
            if (TempoEndpoint.Length > 0) yield return new("tempo_endpoint", TempoEndpoint, e => TempoEndpoint = e);
        }
    }

    /// <summary>ID of the storage exporter whose store is queried (Jaeger v2's <c>jaeger_query.storage</c>).</summary>
    public string Storage { get; set; } = "kubetrace";

    /// <summary>Native (<c>/api/v1</c>) and Jaeger query API, Jaeger's port.</summary>
    public string Endpoint { get; set; } = "localhost:16686";

    /// <summary>Tempo query API, Tempo's port (its <c>/api/traces/{id}</c> differs from Jaeger's); empty: off.</summary>
    public string TempoEndpoint { get; set; } = "localhost:3200";

    /// <summary>TLS on both ports (web UI, native, Jaeger and Tempo APIs); null: plain text.</summary>
    public TlsServerConfig? Tls { get; set; }

    /// <summary>Who may query, on both ports (the Collector's <c>auth: authenticator:</c>); null: anyone who reaches the port.</summary>
    public AuthenticationConfig? Auth { get; set; }

    /// <summary>Who may read which namespaces (a policy file); null: every caller reads everything.</summary>
    public AuthorizationConfig? Authorization { get; set; }

    /// <summary>The audit log of every query; null: none.</summary>
    public AuditConfig? Audit { get; set; }

    /// <summary>Host header values the query ports answer besides the loopback names and the endpoint's own host
    /// (DNS rebinding protection, <see cref="HostHeaderCheck"/>); <c>*</c>: any.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Longest range one search may cover (Tempo's key); 0: no limit. See <see cref="QueryLimits"/>.</summary>
    public TimeSpan MaxDuration { get; set; } = QueryLimits.Default.MaxDuration;

    /// <summary>Most traces one search may ask for.</summary>
    public int MaxResultLimit { get; set; } = QueryLimits.Default.MaxResultLimit;

    /// <summary>Most matching spans listed per trace.</summary>
    public int MaxSpansPerSpanSet { get; set; } = QueryLimits.Default.MaxSpansPerSpanSet;

    /// <summary>Most spans one search holds for its answer.</summary>
    public int MaxSpansPerQuery { get; set; } = QueryLimits.Default.MaxSpansPerQuery;

    /// <summary>Most bytes of spans (OTLP protobuf size) one search holds for its answer (<c>8MiB</c>).</summary>
    public string MaxBytesPerQuery { get; set; } = "8MiB";

    /// <summary>A search answers what it has after this long; other queries are cancelled a little later.</summary>
    public TimeSpan QueryTimeout { get; set; } = QueryLimits.Default.QueryTimeout;

    /// <summary>Queries running at once; more wait.</summary>
    public int MaxConcurrentQueries { get; set; } = QueryLimits.Default.MaxConcurrentQueries;

    /// <summary>Queries waiting for a slot; more are answered 429.</summary>
    public int MaxQueuedQueries { get; set; } = QueryLimits.Default.MaxQueuedQueries;

    /// <summary>The limits from this config (only valid after <see cref="Validate"/> passed).</summary>
    public QueryLimits ToLimits() => new()
    {
        MaxDuration = MaxDuration,
        MaxResultLimit = MaxResultLimit,
        MaxSpansPerSpanSet = MaxSpansPerSpanSet,
        MaxSpansPerQuery = MaxSpansPerQuery,
        MaxBytesPerQuery = ByteSize.TryParse(MaxBytesPerQuery, out var bytes) ? bytes : QueryLimits.Default.MaxBytesPerQuery,
        QueryTimeout = QueryTimeout,
        MaxConcurrentQueries = MaxConcurrentQueries,
        MaxQueuedQueries = MaxQueuedQueries,
    };

    /// <summary>
    /// Each component's <c>samplingRatePerMillion</c> (service name → rate; <c>"*"</c>: every other component), so
    /// that analyses scale what was sampled back to the cluster's traffic. A query's <c>sampling-rate-per-million</c>
    /// overrides it.
    /// </summary>
    public Dictionary<string, int> SamplingRatePerMillion { get; set; } = new(StringComparer.Ordinal);

    public IEnumerable<ConfigProblem> Validate()
    {
        if (MaxDuration < TimeSpan.Zero) yield return new ConfigProblem("max_duration", "must not be negative; 0 turns the limit off");
        if (MaxResultLimit is < 1 or > TraceQuery.MaxLimit)
            yield return new ConfigProblem("max_result_limit", $"must be between 1 and {TraceQuery.MaxLimit:N0} (got {MaxResultLimit})");
        if (MaxSpansPerSpanSet is < 0 or > 100_000)
            yield return new ConfigProblem("max_spans_per_span_set", $"must be between 0 and 100,000 (got {MaxSpansPerSpanSet})");
        if (MaxSpansPerQuery < 1) yield return new ConfigProblem("max_spans_per_query", $"must be at least 1 (got {MaxSpansPerQuery})");
        if (!ByteSize.TryParse(MaxBytesPerQuery, out var bytes) || bytes < 1)
            yield return new ConfigProblem("max_bytes_per_query", $"\"{MaxBytesPerQuery}\" is not a positive size; write e.g. 32MiB");
        if (QueryTimeout <= TimeSpan.Zero) yield return new ConfigProblem("query_timeout", $"must be a positive duration such as 30s (got {QueryTimeout})");
        if (MaxConcurrentQueries is < 1 or > 1024)
            yield return new ConfigProblem("max_concurrent_queries", $"must be between 1 and 1024 (got {MaxConcurrentQueries})");
        if (MaxQueuedQueries is < 0 or > 100_000)
            yield return new ConfigProblem("max_queued_queries", $"must be between 0 and 100,000 (got {MaxQueuedQueries})");
        foreach (var (component, rate) in SamplingRatePerMillion)
            if (rate is < 0 or > 1_000_000)
                yield return new ConfigProblem($"sampling_rate_per_million::{component}", $"{rate} is outside 0..1000000");
        if (!ComponentId.TryParse(Storage, out _, out var error))
            yield return new ConfigProblem("storage", error ?? "is not a component ID");
        if (string.IsNullOrWhiteSpace(Endpoint)) yield return new ConfigProblem("endpoint", "is required (host:port)");
        foreach (var problem in Auth?.Validate() ?? []) yield return problem with { Key = $"auth.{problem.Key}" };
        foreach (var problem in ValidateAuthorization()) yield return problem;
        if (Audit is not null && string.IsNullOrWhiteSpace(Audit.File)) yield return new ConfigProblem("audit.file", "is required: the file the JSON lines are appended to");
        foreach (var problem in Tls?.Validate() ?? []) yield return problem with { Key = $"tls.{problem.Key}" };

        foreach (var host in AllowedHosts)
            if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c == '/'))
                yield return new ConfigProblem("allowed_hosts", $"\"{host}\" is not a host name or address (no scheme or path), or * for any");
    }

    private IEnumerable<ConfigProblem> ValidateAuthorization()
    {
        if (Authorization is null) yield break;
        if (string.IsNullOrWhiteSpace(Authorization.PolicyFile))
            yield return new ConfigProblem("authorization.policy_file", "is required: the file that maps principals to what they may read");
        else if (Auth is null)
            yield return new ConfigProblem("authorization", "needs auth: (an authenticator): without one no caller has a name the policy could grant to");
        else if (!File.Exists(Authorization.PolicyFile))
            yield return new ConfigProblem("authorization.policy_file", $"file \"{Authorization.PolicyFile}\" does not exist");
        else
        {
            string? error = null;
            try
            {
                AccessPolicyFile.Parse(File.ReadAllText(Authorization.PolicyFile), Authorization.PolicyFile);
            }
            catch (InvalidDataException e)
            {
                error = e.Message;
            }
            if (error is not null) yield return new ConfigProblem("authorization.policy_file", "is not a valid policy:\n" + error);
        }
    }
}

/// <summary><c>kubetrace_query.audit</c>: the audit log (JSON lines, docs/security.md).</summary>
public sealed class AuditConfig
{
    /// <summary>The file each query's line is appended to.</summary>
    public string File { get; set; } = "";
}
