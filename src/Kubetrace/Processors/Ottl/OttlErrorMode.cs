using Kubetrace.Components;
using Kubetrace.Pipeline;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Processors.Ottl;

/// <summary>
/// The OTTL processors' <c>error_mode</c>: <c>propagate</c> (default) refuses the batch, <c>ignore</c> logs and goes
/// on, <c>silent</c> goes on quietly. Statements are checked at load, so run-time errors are rare (a value of the
/// wrong type for its target).
/// </summary>
internal sealed class OttlErrorMode(string mode, ILogger logger)
{
    public static IEnumerable<ConfigProblem> Validate(string mode) =>
        mode is "propagate" or "ignore" or "silent" ? [] : [new ConfigProblem("error_mode", $"invalid error_mode \"{mode}\": expected propagate, ignore or silent")];

    /// <summary>Runs <paramref name="action"/>; returns false when it failed and the item should be left as it was.</summary>
    public bool Try(Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (OttlException e)
        {
            if (mode == "propagate") throw ConsumerException.Permanent($"failed to execute statement: {e.Message}", e);
            if (mode == "ignore") logger.LogWarning("failed to execute statement: {Error}", e.Message);
            return false;
        }
    }
}

/// <summary>Turns statement compile errors into config problems naming the list and index.</summary>
internal static class OttlConfigCheck
{
    public static IEnumerable<ConfigProblem> Statements(List<string> statements, OttlContext context, string key) =>
        Check(statements, key, s => OttlParser.ParseStatement(s, context), s => OttlProgram.ForStatements([s], context));

    public static IEnumerable<ConfigProblem> Conditions(List<string> conditions, OttlContext context, string key) =>
        Check(conditions, key, s => OttlParser.ParseCondition(s, context), s => OttlProgram.ForConditions([s], context));

    private static IEnumerable<ConfigProblem> Check(List<string> items, string key, Action<string> parse, Action<string> compile)
    {
        for (var i = 0; i < items.Count; i++)
        {
            string? error = null;
            try
            {
                parse(items[i]);
                compile(items[i]);
            }
            catch (OttlException e)
            {
                error = e.Message;
            }
            if (error is not null) yield return new($"{key}::{i}", error);
        }
    }
}
