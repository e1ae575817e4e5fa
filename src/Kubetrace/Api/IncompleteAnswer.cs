using Kubetrace.Query.Budget;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api;

/// <summary>
/// Tells the client that a search answer was cut short by a limit, the same way on every API: a
/// <c>Kubetrace-Incomplete</c> header naming the limit's key (each API adds the message to its body as its format allows).
/// </summary>
public static class IncompleteAnswer
{
    public const string Header = "Kubetrace-Incomplete";

    public static void Mark(HttpContext context, SearchResult result) => Mark(context, result.Incomplete);

    public static void Mark(HttpContext context, Incompleteness? incomplete)
    {
        if (incomplete is not null) context.Response.Headers[Header] = incomplete.Limit;
    }
}
