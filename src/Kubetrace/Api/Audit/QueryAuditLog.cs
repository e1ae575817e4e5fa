using System.Diagnostics;
using System.Text.Json;
using Kubetrace.Api.Authorization;
using Kubetrace.Extensions.Auth;
using Kubetrace.Query.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kubetrace.Api.Audit;

/// <summary>
/// The audit log of the query ports: one JSON line per request (refused ones included) with the time, the
/// principal, its tenant and grant, the endpoint (route pattern), the parameters (query string and route values;
/// those whose names say they are secrets are written as <c>"[redacted]"</c>), how many results the store gave the
/// query, the status and the duration. Headers, where credentials travel, are never written.
/// </summary>
public sealed class QueryAuditLog : IDisposable
{
    public const string Redacted = "[redacted]";

    private static readonly string[] SecretWords =
        ["token", "password", "passwd", "secret", "credential", "authorization", "apikey", "api_key", "api-key", "auth", "jwt", "sig", "session", "cookie"];

    private readonly FileStream _file;
    private readonly Lock _lock = new();

    private QueryAuditLog(FileStream file) => _file = file;

    /// <summary>Opens (appends to) the log at <paramref name="path"/>; null when <paramref name="path"/> is empty (no audit).</summary>
    public static QueryAuditLog? Open(string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder) Directory.CreateDirectory(folder);
        return new QueryAuditLog(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));
    }

    /// <summary>Audits every request of <paramref name="app"/>; installed before authentication so refusals are written too.</summary>
    public void Use(WebApplication app, QueryAuthorization authorization) => app.Use(async (context, next) =>
    {
        var started = Stopwatch.GetTimestamp();
        var time = DateTimeOffset.UtcNow;
        var tally = new ReadTally();
        context.Features.Set(tally);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            Write(context, time, tally, Stopwatch.GetElapsedTime(started), authorization);
        }
    });

    private void Write(HttpContext context, DateTimeOffset time, ReadTally tally, TimeSpan took, QueryAuthorization authorization)
    {
        var principal = AuthenticationGate.PrincipalOf(context);
        // Only an authenticated (or unauthenticated-by-configuration) request has a grant worth naming.
        var grant = context.Response.StatusCode == StatusCodes.Status401Unauthorized ? null : authorization.GrantOf(context);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", time);
            json.WriteString("principal", principal?.Subject);
            json.WriteString("tenant", context.Features.Get<QueryTenant>()?.Id ?? grant?.Tenant);
            json.WriteString("grant", grant?.ToString());
            json.WriteString("method", context.Request.Method);
            json.WriteString("endpoint", (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value);
            json.WriteString("path", context.Request.Path.Value);
            json.WriteStartObject("parameters");
            foreach (var (name, value) in context.Request.RouteValues)
                json.WriteString(name, IsSecret(name) ? Redacted : value?.ToString());
            foreach (var (name, values) in context.Request.Query)
                json.WriteString(name, IsSecret(name) ? Redacted : values.ToString());
            json.WriteEndObject();
            json.WriteNumber("results", tally.Count);
            json.WriteNumber("status", context.Response.StatusCode);
            json.WriteNumber("duration_ms", Math.Round(took.TotalMilliseconds, 3));
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        lock (_lock)
        {
            _file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            _file.Flush();
        }
    }

    /// <summary>Whether a parameter's name says its value is a credential (<c>token</c>, <c>access_token</c>, <c>password</c>, ...).</summary>
    public static bool IsSecret(string name)
    {
        foreach (var word in SecretWords)
            if (name.Contains(word, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    public void Dispose()
    {
        lock (_lock) _file.Dispose();
    }
}
