using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Extensions.Auth;

/// <summary>
/// The one place a listener checks who is calling: a middleware in front of every route that asks the listener's
/// authenticator and, on failure, answers in the listener's protocol (gRPC UNAUTHENTICATED, HTTP 401) before any
/// handler, decoder or pipeline sees the request. The principal it finds is kept on the request for authorization.
/// </summary>
public static class AuthenticationGate
{
    /// <summary>Requires <paramref name="authenticator"/> on every request of <paramref name="app"/>; nothing when it is null.</summary>
    public static void Require(WebApplication app, IServerAuthenticator? authenticator, Func<HttpContext, string, Task> refuse)
    {
        if (authenticator is null) return;
        app.Use(async (context, next) =>
        {
            // A CORS preflight carries no credentials by definition and is answered without data.
            if (HttpMethods.IsOptions(context.Request.Method))
            {
                await next(context).ConfigureAwait(false);
                return;
            }
            var result = await authenticator.AuthenticateAsync(context.Request.Headers, context.RequestAborted).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                await refuse(context, result.Failure!).ConfigureAwait(false);
                return;
            }
            context.Features.Set(result.Principal);
            await next(context).ConfigureAwait(false);
        });
    }

    /// <summary>Requires <paramref name="authenticator"/> on an HTTP listener: failures are 401 with the authenticator's challenge.</summary>
    public static void RequireHttp(WebApplication app, IServerAuthenticator? authenticator) =>
        Require(app, authenticator, (context, reason) => RefuseHttp(context, reason, authenticator!.Challenge));

    /// <summary>The principal the gate established for this request; null when the listener has no authentication.</summary>
    public static Principal? PrincipalOf(HttpContext context) => context.Features.Get<Principal>();

    /// <summary>A gRPC "trailers-only" answer with status UNAUTHENTICATED (16).</summary>
    public static Task RefuseGrpc(HttpContext context, string reason)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = "16";
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString("unauthenticated: " + reason);
        return Task.CompletedTask;
    }

    /// <summary>HTTP 401 with a <c>WWW-Authenticate</c> challenge and the reason as plain text.</summary>
    public static Task RefuseHttp(HttpContext context, string reason, string challenge)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = challenge;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("unauthenticated: " + reason + "\n", context.RequestAborted);
    }
}
