using Kubetrace.Pipeline;
using Kubetrace.Query;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Api;

/// <summary>
/// Wraps every API handler the same way: finds the engine (503 while the store is not open), turns
/// <see cref="BadQueryException"/> into 400, <see cref="NotFoundException"/> into 404 and any other failure into 500, each in the API's own error format,
/// and never lets an exception reach Kestrel.
/// </summary>
public sealed class ApiHandler(EngineSource engines, IErrorFormat errors, ILogger logger)
{
    public IErrorFormat Errors => errors;

    public RequestDelegate Handle(Func<HttpContext, QueryEngine, Task> handler) => async context =>
    {
        try
        {
            var engine = engines.Current();
            if (engine is null)
            {
                await errors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                    $"the trace store \"{engines.StorageName}\" is not open (starting or stopping)").ConfigureAwait(false);
                return;
            }
            await handler(context, engine).ConfigureAwait(false);
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
            await errors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, e.Message).ConfigureAwait(false);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            logger.LogError(e, "query {Path} failed", context.Request.Path);
            await errors.WriteAsync(context, StatusCodes.Status500InternalServerError, $"query failed: {e.Message}").ConfigureAwait(false);
        }
    };
}
