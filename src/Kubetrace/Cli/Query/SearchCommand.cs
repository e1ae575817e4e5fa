using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Kubetrace.Cli.Layout;
using Kubetrace.Config;
using Spectre.Console;

namespace Kubetrace.Cli.Query;

/// <summary>
/// <c>kubetrace search</c>: the native search API's filters as flags, or a TraceQL query (<c>--traceql</c>, the API's
/// <c>q</c>) instead of them; the trace summaries as a table.
/// </summary>
public static class SearchCommand
{
    public static Command Create()
    {
        var service = new Option<string>("--service") { Description = "Service name (resource service.name)" };
        var name = new Option<string>("--name") { Description = "Span name" };
        var attr = new Option<string[]>("--attr") { Description = "Attribute equality key=value on the span or its resource (repeatable; span.key= / resource.key= choose one)", HelpName = "key=value" };
        var min = Duration("--min-duration", "Spans at least this long");
        var max = Duration("--max-duration", "Spans at most this long");
        var status = new Option<string>("--status") { Description = "Span status" };
        status.AcceptOnlyFromAmong("error", "ok", "unset");
        var kind = new Option<string>("--kind") { Description = "Span kind" };
        kind.AcceptOnlyFromAmong("server", "client", "internal", "producer", "consumer", "unspecified");
        var traceQl = new Option<string>("--traceql", "-q") { Description = "A TraceQL query instead of the filters above, e.g. '{ resource.service.name = \"etcd\" && duration > 100ms }'", HelpName = "query" };
        var since = Duration("--since", "Search the spans that started this long ago until now (server default 1h)", "15m, 1h, 7d");
        var start = Time("--start", "Spans that started at or after this time");
        var end = Time("--end", "Spans that started before this time");
        var limit = new Option<int>("--limit") { Description = "Traces to list, most recent first", DefaultValueFactory = _ => 20 };
        limit.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 10000) r.AddError("--limit must be from 1 to 10000"); });
        var server = QueryOptions.Connection();
        var output = QueryOptions.Output("the search answer");
        var command = new Command("search", "Find traces in a running kubetrace; every filter must hold on the same span")
        {
            service, name, attr, min, max, status, kind, traceQl, since, start, end, limit, server,
        };
        command.Validators.Add(r =>
        {
            foreach (var pair in r.GetValue(attr) ?? [])
                if (pair.IndexOf('=') <= 0) r.AddError($"--attr must be key=value, got \"{pair}\"");
            if (r.GetValue(traceQl) is not null)
                foreach (var filter in new Option[] { service, name, attr, min, max, status, kind })
                    if (r.GetResult(filter) is not null) r.AddError($"--traceql replaces {filter.Name}: write that condition into the query");
            if (r.GetValue(since) is not null && (r.GetValue(start) is not null || r.GetValue(end) is not null))
                r.AddError("give either --since or --start/--end, not both");
        });
        QueryAction.Set(command, server, output, async (parse, context, cancel) =>
        {
            var query = new List<(string, string)>();
            void Add(string key, string? value) { if (!string.IsNullOrEmpty(value)) query.Add((key, value)); }
            Add("service", parse.GetValue(service));
            Add("name", parse.GetValue(name));
            foreach (var pair in parse.GetValue(attr) ?? []) Add("attr", pair);
            Add("minDuration", parse.GetValue(min));
            Add("maxDuration", parse.GetValue(max));
            Add("status", parse.GetValue(status));
            Add("kind", parse.GetValue(kind));
            Add("q", parse.GetValue(traceQl));
            Add("lookback", parse.GetValue(since));
            Add("start", parse.GetValue(start));
            Add("end", parse.GetValue(end));
            Add("limit", parse.GetValue(limit).ToString(CultureInfo.InvariantCulture));
            var path = "api/v1/search?" + string.Join('&', query.Select(q => $"{q.Item1}={Uri.EscapeDataString(q.Item2)}"));
            if (context.WantsData)
                await context.WriteDataAsync(await context.Api.GetBytesAsync(path, cancel));
            else
                Print(context.Console, await context.Api.GetJsonAsync(path, cancel));
        });
        return command;
    }

    private static void Print(IAnsiConsole console, JsonElement answer)
    {
        var traces = answer.GetProperty("traces").EnumerateArray().ToList();
        if (traces.Count == 0)
        {
            console.WriteLine("no traces found");
            return;
        }
        // The trace ID, the root's service and name and the duration are the key: the rest goes first at 80 columns.
        var table = new FittedTable([
            new FittedColumn("TRACE ID"), new FittedColumn("START (UTC)", DropRank: 3), new FittedColumn("ROOT SERVICE", FittedKind.Name),
            new FittedColumn("ROOT NAME", FittedKind.Name), new FittedColumn("DURATION", RightAligned: true),
            new FittedColumn("SPANS", DropRank: 2, RightAligned: true), new FittedColumn("ERRORS", DropRank: 1, RightAligned: true),
            new FittedColumn("SERVICES", FittedKind.Name, DropRank: 4),
        ]);
        foreach (var trace in traces)
        {
            var errors = trace.GetProperty("errorCount").GetInt32();
            var root = trace.GetProperty("rootName").GetString() ?? "";
            table.AddRow(
                new FittedCell(trace.GetProperty("traceId").GetString() ?? ""),
                new FittedCell(HumanText.Time(long.Parse(trace.GetProperty("startTimeUnixNano").GetString() ?? "0", CultureInfo.InvariantCulture), milliseconds: false)),
                new FittedCell(trace.GetProperty("rootService").GetString() ?? ""),
                // A trace whose root span has not arrived is named after its earliest span: say so.
                new FittedCell(trace.GetProperty("hasRoot").GetBoolean() ? root : $"{root} (no root yet)"),
                new FittedCell(HumanText.Duration(trace.GetProperty("durationNanos").GetInt64())),
                new FittedCell(trace.GetProperty("spanCount").GetInt32().ToString(CultureInfo.InvariantCulture)),
                new FittedCell(errors.ToString(CultureInfo.InvariantCulture), errors > 0 ? new Style(Color.Red) : Style.Plain),
                new FittedCell(string.Join(", ", trace.GetProperty("services").EnumerateArray().Select(s => s.GetString()))));
        }
        table.Write(console);
    }

    /// <summary>A duration in the flags' grammar (<c>100ms</c>, <c>7d</c>), checked here so that a typo is a usage error, and sent as typed.</summary>
    private static Option<string> Duration(string flag, string description, string examples = "100ms, 1.5s, 2h") => new(flag)
    {
        Description = $"{description}, e.g. {examples}",
        HelpName = "duration",
        Validators = { r => { if (r.GetValueOrDefault<string>() is { } text && (!GoDuration.TryParseWithDays(text, out var value) || value < TimeSpan.Zero)) r.AddError($"{flag}: \"{text}\" is not a duration ({GoDuration.HintWithDays})"); } },
    };

    private static Option<string> Time(string flag, string description) => new(flag)
    {
        Description = $"{description}: RFC 3339 (2026-01-02T15:04:05Z) or Unix nanoseconds",
        HelpName = "time",
        Validators =
        {
            r =>
            {
                if (r.GetValueOrDefault<string>() is { } text && !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                    && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                    r.AddError($"{flag}: \"{text}\" is neither RFC 3339 (2026-01-02T15:04:05Z) nor Unix nanoseconds");
            },
        },
    };
}
