using Kubetrace.Query.TraceQl;

namespace Kubetrace.Api.Tempo;

/// <summary>TraceQL at the API edge: a query the user must change (syntax, types, budget) is a 400 with the message.</summary>
public static class TempoTraceQl
{
    public static RootExpr Parse(string query)
    {
        try
        {
            return Parser.Parse(query);
        }
        catch (TraceQlException e)
        {
            throw new BadQueryException(e.Message);
        }
    }

    public static async Task<T> Run<T>(Func<Task<T>> query)
    {
        try
        {
            return await query().ConfigureAwait(false);
        }
        catch (TraceQlException e)
        {
            throw new BadQueryException(e.Message);
        }
    }
}
