using System.Net;
using Kubetrace.Hosting;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api;

/// <summary>
/// Refuses a request whose <c>Host</c> header names no host this query port is meant to be reached by (421
/// Misdirected Request), so that a web page cannot read the unauthenticated API through DNS rebinding (a name of
/// the attacker's resolving to 127.0.0.1 for the victim's browser). Allowed: the loopback names (<c>localhost</c>,
/// <c>*.localhost</c>, 127.0.0.0/8, <c>::1</c>), the endpoint's own host when it names one, and the configured
/// <c>allowed_hosts</c> (<c>*</c> allows any, e.g. behind a proxy that checks it).
/// </summary>
internal sealed class HostHeaderCheck
{
    private readonly HashSet<string> _allowed;
    private readonly bool _any;

    public HostHeaderCheck(EndpointAddress endpoint, IReadOnlyCollection<string> allowedHosts)
    {
        _any = allowedHosts.Contains("*");
        _allowed = new HashSet<string>(allowedHosts, StringComparer.OrdinalIgnoreCase);
        if (!endpoint.IsAnyInterface) _allowed.Add(endpoint.Host.Trim('[', ']'));
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (_any || Allowed(context.Request.Host.Host))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(
            $"Host \"{context.Request.Host.Host}\" is not one this query port answers to; add it to allowed_hosts of kubetrace_query\n");
    }

    private bool Allowed(string host)
    {
        host = host.Trim('[', ']');
        if (host.Length == 0) return false;
        if (_allowed.Contains(host)) return true;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }
}
