using Xunit.Abstractions;
using System.Text.Json.Nodes;
using Kubetrace.Query.TraceQl;
using Kubetrace.Tests.Api;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.Query.TraceQl;

/// <summary>
/// The language against Tempo's own parser tests and the Grafana editor grammar's (../shared/conformance/
/// traceql_cases.json and the .tsv files): what must parse, what must not, what fails validation and how, the
/// canonical form, tokens and durations. Every group must pass in full, except the cases listed in
/// <see cref="KnownDifferences"/> with the reason (also in docs/api.md).
/// </summary>
public sealed class TraceQlConformanceTests(ITestOutputHelper output)
{
    /// <summary>Cases where this parser knowingly answers differently from Tempo, with why.</summary>
    internal static readonly Dictionary<string, string> KnownDifferences = new()
    {
    };

    private static IEnumerable<JsonNode> Cases(string expect) =>
        ConformanceCases.Load("traceql_cases.json")["cases"]!.AsArray().Select(c => c!)
            .Where(c => c["expect"]!.GetValue<string>() == expect);

    private void AssertAll(string group, IEnumerable<(string Query, string? Failure)> results)
    {
        var all = results.ToList();
        var failures = all.Where(r => r.Failure is not null && !KnownDifferences.ContainsKey(r.Query)).ToList();
        output.WriteLine($"{group}: {all.Count(r => r.Failure is null)}/{all.Count} pass");
        foreach (var (query, failure) in failures) output.WriteLine($"  {query.Replace("\n", "\\n")}  =>  {failure}");
        Assert.True(failures.Count == 0, $"{group}: {failures.Count} of {all.Count} differ from Tempo:\n" +
            string.Join("\n", failures.Select(f => $"{f.Query} => {f.Failure}")));
    }

    private static string? Outcome(Func<RootExpr> parse, TraceQlErrorKind? expected)
    {
        try
        {
            var root = parse();
            return expected is null ? null : $"accepted as {root}, expected a {expected} error";
        }
        catch (TraceQlException e)
        {
            return e.Kind == expected ? null : $"{e.Kind} error: {e.Message}";
        }
    }

    [RequiresSharedFolderFact]
    public void Valid_queries_parse_and_validate() =>
        AssertAll("valid", Cases("valid").Select(c => c["query"]!.GetValue<string>()).Select(q => (q, Outcome(() => Parser.Parse(q), null))));

    [RequiresSharedFolderFact]
    public void Parser_test_queries_parse() =>
        AssertAll("parse_ok", Cases("parse_ok").Select(c => c["query"]!.GetValue<string>()).Select(q => (q, Outcome(() => Parser.ParseOnly(q), null))));

    [RequiresSharedFolderFact]
    public void Editor_grammar_queries_parse() =>
        AssertAll("lezer_ok", Cases("lezer_ok").Select(c => c["query"]!.GetValue<string>()).Select(q => (q, Outcome(() => Parser.ParseOnly(q), null))));

    [RequiresSharedFolderFact]
    public void Invalid_queries_are_syntax_errors() =>
        AssertAll("parse_error", Cases("parse_error").Select(c => c["query"]!.GetValue<string>())
            .Select(q => (q, Outcome(() => Parser.ParseOnly(q), TraceQlErrorKind.Parse))));

    [RequiresSharedFolderFact]
    public void Meaningless_queries_fail_validation() =>
        AssertAll("validate_error", Cases("validate_error").Select(c => c["query"]!.GetValue<string>())
            .Select(q => (q, Outcome(() => { Parser.ParseOnly(q); return Parser.Parse(q); }, TraceQlErrorKind.Validation))));

    [RequiresSharedFolderFact]
    public void What_Tempo_does_not_run_is_reported_unsupported() =>
        AssertAll("unsupported", Cases("unsupported").Select(c => c["query"]!.GetValue<string>())
            .Select(q => (q, Outcome(() => { Parser.ParseOnly(q); return Parser.Parse(q); }, TraceQlErrorKind.Unsupported))));

    [RequiresSharedFolderFact]
    public void Canonical_form_is_Tempos() =>
        AssertAll("canonical", ConformanceCases.Load("traceql_cases.json")["cases"]!.AsArray().Select(c => c!)
            .Where(c => c["canonical"] is not null)
            .Select(c => (c["query"]!.GetValue<string>(), c["canonical"]!.GetValue<string>()))
            .Select(p => (p.Item1, Canonical(p.Item1) is var got && got == p.Item2 ? null : $"got {got}, expected {p.Item2}")));

    private static string Canonical(string query)
    {
        try
        {
            return Rewriter.Rewrite(Parser.ParseOnly(query)).ToString();
        }
        catch (TraceQlException e)
        {
            return e.Message;
        }
    }

    [RequiresSharedFolderFact]
    public void Syntax_errors_name_the_token_line_and_column_Tempo_names()
    {
        // Tempo's yacc messages list what was expected; ours name what was found and where. The position and the
        // unexpected token must agree.
        var results = Cases("parse_error").Where(c => c["error"] is not null).Select(c =>
        {
            var query = c["query"]!.GetValue<string>();
            var error = c["error"]!;
            var message = error["message"]!.GetValue<string>();
            var (line, col) = (error["line"]!.GetValue<int>(), error["col"]!.GetValue<int>());
            try
            {
                Parser.ParseOnly(query);
                return (query, (string?)"accepted");
            }
            catch (TraceQlException e)
            {
                var unexpected = message.Split(',')[0];
                var sameToken = e.Detail.StartsWith(unexpected, StringComparison.Ordinal) || !message.StartsWith("syntax error", StringComparison.Ordinal);
                var samePlace = line == 0 || (e.Line, e.Column) == (line, col);
                return (query, sameToken && samePlace ? null : $"{e.Line}:{e.Column} {e.Detail}; Tempo {line}:{col} {message}");
            }
        });
        AssertAll("error positions", results);
    }

    [RequiresSharedFolderFact]
    public void Lexer_produces_Tempos_tokens()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Shared!, "conformance", "traceql_lexer_tokens.tsv"))
            .Where(l => !l.StartsWith('#')).Skip(1).Select(l => l.Split('\t'));
        AssertAll("lexer tokens", lines.Select(f =>
        {
            string got;
            try
            {
                got = string.Join(" ", Lexer.Tokenize(f[1]).Where(t => t.Kind != TokenKind.End).Select(t => t.GrammarName));
            }
            catch (TraceQlException e)
            {
                got = e.Message;
            }
            return (f[1], got == f[2] ? null : $"got {got}, expected {f[2]}");
        }));
    }

    [RequiresSharedFolderFact]
    public void Durations_have_Tempos_units()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Shared!, "conformance", "traceql_durations.tsv"))
            .Where(l => !l.StartsWith('#')).Skip(1).Select(l => l.Split('\t'));
        AssertAll("durations", lines.Select(f =>
        {
            var tokens = Lexer.Tokenize(f[0]);
            var ok = tokens.Count == 2 && tokens[0].Kind == TokenKind.Duration && tokens[0].IntValue == long.Parse(f[1]);
            return (f[0], ok ? null : $"got {string.Join(" ", tokens.Select(t => $"{t.GrammarName}:{t.IntValue}"))}");
        }));
    }
}
