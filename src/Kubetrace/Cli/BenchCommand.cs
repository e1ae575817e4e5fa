using System.CommandLine;
using System.CommandLine.Parsing;
using Kubetrace.Bench;
using Kubetrace.Bench.Report;
using Kubetrace.Cli.Output;
using Kubetrace.Config;

namespace Kubetrace.Cli;

/// <summary>
/// <c>kubetrace bench</c>: an OTLP load generator for any OTLP endpoint (Kubetrace, a Collector, another backend),
/// <c>kubetrace bench sink</c>, the bare endpoint that gives the machine's ceiling under the same load, and the in-process
/// benchmarks of the embedded store (<c>bench store</c>) and of the analyses over it (<c>bench analyze</c>).
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var protocol = new Option<BenchProtocol>("--protocol")
        {
            // No default factory: help would print the enum's name (Grpc); absent means the first member, Grpc.
            Description = "Protocol: grpc (OTLP/gRPC) or http (OTLP/HTTP protobuf) [default: grpc]",
            HelpName = "grpc|http",
            CustomParser = ParseProtocol,
        };
        var endpoint = new Option<string?>("--endpoint")
        {
            Description = "OTLP endpoint, host:port or URL [default: http://127.0.0.1:4317 for grpc, http://127.0.0.1:4318 for http; " +
                          "an http URL without a path gets /v1/traces]",
        };
        var connections = IntOption("--connections", "Separate connections (each its own GrpcChannel / socket pool)", 4);
        var concurrency = IntOption("--concurrency", "Requests in flight per connection", 2);
        var spans = IntOption("--spans-per-request", "Spans per request (the issue's workload: 100-1000)", 500);
        var attributes = IntOption("--attributes", "Attributes per span (the issue's workload: 10-20)", 15);
        var duration = DurationOption("--duration", "Measured time after the warm-up", "30s");
        var warmup = DurationOption("--warmup", "Load before the measured window", "5s");
        var rate = new Option<double?>("--rate") { Description = "Target spans/s over all connections [default: as fast as the server answers]" };
        var gzip = new Option<bool>("--gzip") { Description = "Gzip request bodies" };
        var serverPid = new Option<int?>("--server-pid") { Description = "Measure this process's CPU and peak RSS over the window (from /proc)" };
        var jsonFile = new Option<string?>("--json-file") { Description = "Also write the result as JSON to this file" };
        var distinct = IntOption("--distinct-requests", "Distinct requests encoded before the run (each send also gets fresh IDs)", 16);
        var timeout = DurationOption("--timeout", "Timeout of each request", "10s");
        var seed = IntOption("--seed", "Seed of the span mix", 1);
        var caFile = new Option<FileInfo?>("--ca-file") { Description = "PEM file of the CA that signed an https endpoint's certificate", HelpName = "FILE" };
        var certFile = new Option<FileInfo?>("--cert-file") { Description = "PEM client certificate, for a receiver that requires mTLS", HelpName = "FILE" };
        var keyFile = new Option<FileInfo?>("--key-file") { Description = "PEM key of --cert-file", HelpName = "FILE" };
        var output = Query.QueryOptions.Output("the result");
        var tokenFile = new Option<FileInfo?>("--token-file")
        {
            Description = "File whose first line is a bearer token, sent on every request (a receiver with bearertokenauth)",
            HelpName = "FILE",
        };

        var command = new Command("bench", "Send a realistic Kubernetes OTLP trace load to an endpoint and report accepted spans/s, latency, CPU and memory; " +
            "its subcommands measure the machine's ceiling (sink), the embedded store (store), the analyses (analyze) and the ClickHouse store (clickhouse)")
        {
            endpoint, protocol, connections, concurrency, spans, attributes, duration, warmup, rate, gzip, serverPid, jsonFile, distinct, timeout, seed,
            caFile, certFile, keyFile, tokenFile,
            BenchSinkCommand.Create(),
            BenchStoreCommand.Create(),
            BenchAnalyzeCommand.Create(),
            BenchClickHouseCommand.Create(),
            BenchTraceQlCommand.Create(),
            BenchSoakCommand.Create(),
            BenchQueryCommand.Create(),
        };
        output.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var chosenProtocol = parse.GetValue(protocol);
            var written = parse.GetValue(endpoint) ?? (chosenProtocol == BenchProtocol.Grpc ? "http://127.0.0.1:4317" : "http://127.0.0.1:4318");
            if (!BenchEndpoint.TryParseUrl(written, out var url, out var endpointError))
                return Fail(endpointError);
            var options = new BenchOptions
            {
                Endpoint = url,
                Protocol = chosenProtocol,
                Connections = parse.GetValue(connections),
                Concurrency = parse.GetValue(concurrency),
                SpansPerRequest = parse.GetValue(spans),
                AttributesPerSpan = parse.GetValue(attributes),
                Duration = parse.GetValue(duration),
                Warmup = parse.GetValue(warmup),
                SpansPerSecond = parse.GetValue(rate),
                Gzip = parse.GetValue(gzip),
                ServerPid = parse.GetValue(serverPid),
                DistinctRequests = parse.GetValue(distinct),
                RequestTimeout = parse.GetValue(timeout),
                Seed = parse.GetValue(seed),
                CaFile = parse.GetValue(caFile)?.FullName,
                CertFile = parse.GetValue(certFile)?.FullName,
                KeyFile = parse.GetValue(keyFile)?.FullName,
                BearerToken = parse.GetValue(tokenFile) is { } file ? BenchQueryCommand.ReadToken(file) : null,
            };
            var problems = options.Validate().ToList();
            if (problems.Count > 0)
                return Fail(string.Join(Environment.NewLine, problems));

            var result = await new LoadGenerator(options).RunAsync(CommandLine(parse), Console.Error, cancellationToken);
            if (parse.GetValue(jsonFile) is { } path)
                await File.WriteAllTextAsync(path, BenchReport.ToJson(result) + Environment.NewLine, CancellationToken.None);
            if (output.Format(parse) is var format && format.IsData())
                await DataOutput.WriteAsync(parse.InvocationConfiguration.Output, format, BenchReport.ToJson(result));
            else
                BenchReport.WriteTable(result, Query.QueryConsole.Create(parse.InvocationConfiguration, output.ResolveWidth(parse)));
            // A run in which nothing got through is a failure, so that scripts notice a wrong endpoint.
            return result.Requests > 0 && result.FailedRequests < result.Requests ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>The command as typed (options in the order given), to paste into a report.</summary>
    private static string CommandLine(ParseResult parse) =>
        "kubetrace " + string.Join(' ', parse.Tokens.Select(t => t.Value.Any(char.IsWhiteSpace) ? $"'{t.Value}'" : t.Value));

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"kubetrace bench: {message}");
        return ExitCodes.Usage;
    }

    internal static Option<int> IntOption(string name, string description, int defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary>A duration flag (<see cref="CliDuration.Option"/>), shared with <c>simulate</c>.</summary>
    internal static Option<CliDuration> DurationOption(string name, string description, string defaultValue) =>
        CliDuration.Option(name, description, defaultValue);

    internal static BenchProtocol ParseProtocol(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "grpc";
        switch (text.ToLowerInvariant())
        {
            case "grpc": return BenchProtocol.Grpc;
            case "http" or "http/protobuf": return BenchProtocol.Http;
            default:
                result.AddError($"--protocol: '{text}' is not grpc or http");
                return BenchProtocol.Grpc;
        }
    }
}
