namespace Kubetrace.Query.Budget;

/// <summary>How the API answers a query refused by a limit.</summary>
public enum QueryRefusal
{
    /// <summary>The request itself asks for more than a limit allows (400).</summary>
    BadRequest,

    /// <summary>Too many queries are already waiting (429, Retry-After).</summary>
    TooMany,

    /// <summary>No slot became free in time, or the query ran out of time (503, Retry-After).</summary>
    Unavailable,
}

/// <summary>A query refused by one of the <see cref="QueryLimits"/>; the message names the configuration key.</summary>
public sealed class QueryLimitException(QueryRefusal refusal, string limit, string message, TimeSpan? retryAfter = null)
    : Exception(message)
{
    public QueryRefusal Refusal { get; } = refusal;

    /// <summary>The <c>kubetrace_query</c> key of the limit.</summary>
    public string Limit { get; } = limit;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
