namespace Kubetrace.Cli.Query;

/// <summary>A query command could not get its answer: the one line to print, already worded for the user.</summary>
public sealed class QueryFailure(string message) : Exception(message);
