using Kubetrace.Api.Authorization;
using Kubetrace.Pipeline;
using Kubetrace.Query;
using Kubetrace.Query.Access;
using Kubetrace.Query.Budget;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Api;

/// <summary>
/// Wraps every API handler the same way: finds the engine (503 while the store is not open) over the store as the
/// caller may see it (<see cref="QueryAuthorization"/>: its tenant's store, 401 "no org id" when multitenancy is on
/// and it names none, 403 when the policy grants nothing), waits for a query
/// slot (<see cref="QueryGate"/>: 429 or 503 with Retry-After when none comes), cancels a query still running
/// <see cref="QueryLimits.CancelGrace"/> after its timeout (503), turns <see cref="BadQueryException"/>, an invalid
/// user regex and a request over a limit into 400, <see cref="NotFoundException"/> into 404 and any other failure
/// into 500, each in the API's own error format, and never lets an exception reach Kestrel.
/// </summary>
public sealed class ApiHandler(EngineSource engines, IErrorFormat errors, ILogger logger)
{
    public IErrorFormat Errors => errors;

    /// <summary>
    /// The same engines, query slots and budgets, answering errors in <paramref name="format"/>: for an API whose
    /// newer endpoints write errors differently (Jaeger's api_v3 gateway beside its v1 envelope).
    /// </summary>
    public ApiHandler WithErrors(IErrorFormat format) => new(engines, format, logger);

    public RequestDelegate Handle(Func<HttpContext, QueryEngine, Task> handler) => async context =>
    {
        try
        {
            var engine = engines.For(context);
            if (engine is null)
            {
                await errors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                    $"the trace store \"{engines.StorageName}\" is not open (starting or stopping)").ConfigureAwait(false);
                return;
            }
            var clientGone = context.RequestAborted;
            using var slot = await engines.Gate.EnterAsync(clientGone).ConfigureAwait(false);
            using var backstop = CancellationTokenSource.CreateLinkedTokenSource(clientGone);
            if (engine.Limits.QueryTimeout > TimeSpan.Zero) backstop.CancelAfter(engine.Limits.QueryTimeout + engine.Limits.CancelGrace);
            context.RequestAborted = backstop.Token;
            try
            {
                await handler(context, engine).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (backstop.IsCancellationRequested && !clientGone.IsCancellationRequested)
            {
                throw new QueryLimitException(QueryRefusal.Unavailable, "query_timeout",
                    $"the query did not finish within query_timeout ({QueryBudget.GoDurationText(engine.Limits.QueryTimeout)})", TimeSpan.FromSeconds(1));
            }
            finally
            {
                context.RequestAborted = clientGone; // an error can still be written after the backstop fired
            }
        }
        catch (QueryLimitException e) when (!context.Response.HasStarted)
        {
            if (e.RetryAfter is { } retry) context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var status = e.Refusal switch
            {
                QueryRefusal.BadRequest => StatusCodes.Status400BadRequest,
                QueryRefusal.TooMany => StatusCodes.Status429TooManyRequests,
                _ => StatusCodes.Status503ServiceUnavailable,
            };
            await errors.WriteAsync(context, status, e.Message).ConfigureAwait(false);
        }
        catch (MissingTenantException e) when (!context.Response.HasStarted)
        {
            await errors.WriteAsync(context, StatusCodes.Status401Unauthorized, e.Message).ConfigureAwait(false);
        }
        catch (AccessDeniedException e) when (!context.Response.HasStarted)
        {
            await errors.WriteAsync(context, StatusCodes.Status403Forbidden, e.Message).ConfigureAwait(false);
        }
        catch (InvalidUserRegexException e) when (!context.Response.HasStarted)
        {
            await errors.WriteAsync(context, StatusCodes.Status400BadRequest, e.Message).ConfigureAwait(false);
        }
        catch (BadQueryException e)
        {
            await errors.WriteAsync(context, StatusCodes.Status400BadRequest, e.Message).ConfigureAwait(false);
        }
        catch (NotFoundException e)
        {
            await errors.WriteAsync(context, StatusCodes.Status404NotFound, e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        catch (ConsumerException e) when (e.IsRetryable)
        {
            await errors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ClientText.WithoutPaths(e.Message)).ConfigureAwait(false);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            logger.LogError(e, "query {Path} failed", context.Request.Path);
            await errors.WriteAsync(context, StatusCodes.Status500InternalServerError, $"query failed: {ClientText.WithoutPaths(e.Message)}").ConfigureAwait(false);
        }
    };
}
