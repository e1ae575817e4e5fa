using System.Diagnostics;
using System.Text.Json.Nodes;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>
/// Runs tests/clients/js/send.mjs (the real OpenTelemetry JS exporters) and turns what it printed into the OTLP
/// objects the server must write out.
/// </summary>
internal static class NodeClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The node executable on PATH, or null.</summary>
    public static string? NodeExecutable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "node"))
        .FirstOrDefault(File.Exists);

    /// <param name="protocol">grpc, proto (HTTP/protobuf) or http (HTTP/JSON): one JS exporter package each.</param>
    /// <param name="compression">gzip or none.</param>
    /// <param name="tls">For an https endpoint: the CA file to trust and, for mTLS, the client certificate and key files.</param>
    public static async Task<SentTrace> SendNestedTraceAsync(string protocol, string compression, Uri endpoint,
        (string CaFile, string? CertFile, string? KeyFile)? tls = null)
    {
        var node = NodeExecutable ?? throw new InvalidOperationException("node is not on PATH");
        string[] arguments = ["send.mjs", "--protocol", protocol, "--compression", compression, "--endpoint", endpoint.ToString()];
        if (tls is { } files)
        {
            arguments = [.. arguments, "--ca-file", files.CaFile];
            if (files.CertFile is not null) arguments = [.. arguments, "--cert-file", files.CertFile, "--key-file", files.KeyFile!];
        }
        var start = new ProcessStartInfo(node, arguments)
        {
            WorkingDirectory = RepoPaths.JsClients,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node send.mjs --protocol {protocol} did not finish in {Timeout.TotalSeconds}s\n{await stderr}");
        }
        Assert.True(process.ExitCode == 0,
            $"node send.mjs --protocol {protocol} exited with {process.ExitCode}\n--- stdout:\n{await stdout}\n--- stderr:\n{await stderr}");
        return Parse(JsonNode.Parse(await stdout)!.AsObject());
    }

    private static SentTrace Parse(JsonObject printed)
    {
        var resource = new Resource();
        resource.Attributes.Add(Attributes(printed["resource"]));
        var scope = new InstrumentationScope
        {
            Name = (string)printed["scope"]!["name"]!,
            Version = (string)printed["scope"]!["version"]!,
        };
        return new SentTrace(resource, scope, printed["spans"]!.AsArray().Select(s => ParseSpan(s!.AsObject())).ToList());
    }

    private static Span ParseSpan(JsonObject s)
    {
        var span = new Span
        {
            Name = (string)s["name"]!,
            TraceId = OtlpValues.Hex((string)s["traceId"]!),
            SpanId = OtlpValues.Hex((string)s["spanId"]!),
            ParentSpanId = OtlpValues.Hex((string)s["parentSpanId"]!),
            TraceState = (string)s["traceState"]!,
            Flags = (uint)s["flags"]!,
            Kind = (Span.Types.SpanKind)(int)s["kind"]!,
            StartTimeUnixNano = ulong.Parse((string)s["startTimeUnixNano"]!),
            EndTimeUnixNano = ulong.Parse((string)s["endTimeUnixNano"]!),
            Status = new Status
            {
                Code = (Status.Types.StatusCode)(int)s["status"]!["code"]!,
                Message = (string)s["status"]!["message"]!,
            },
        };
        span.Attributes.Add(Attributes(s["attributes"]));
        foreach (var e in s["events"]!.AsArray())
        {
            var otlpEvent = new Span.Types.Event { Name = (string)e!["name"]!, TimeUnixNano = ulong.Parse((string)e["timeUnixNano"]!) };
            otlpEvent.Attributes.Add(Attributes(e["attributes"]));
            span.Events.Add(otlpEvent);
        }
        foreach (var l in s["links"]!.AsArray())
        {
            var link = new Span.Types.Link
            {
                TraceId = OtlpValues.Hex((string)l!["traceId"]!),
                SpanId = OtlpValues.Hex((string)l["spanId"]!),
                TraceState = (string)l["traceState"]!,
                Flags = (uint)l["flags"]!,
            };
            link.Attributes.Add(Attributes(l["attributes"]));
            span.Links.Add(link);
        }
        return span;
    }

    private static IEnumerable<KeyValue> Attributes(JsonNode? attributes) =>
        attributes!.AsObject().Select(a => new KeyValue { Key = a.Key, Value = Value(a.Value!) });

    /// <summary>A JS attribute value as the OTLP transformer encodes it: integral numbers are ints, others doubles.</summary>
    private static AnyValue Value(JsonNode value)
    {
        if (value is JsonArray array)
        {
            var values = new ArrayValue();
            values.Values.Add(array.Select(v => Value(v!)));
            return new AnyValue { ArrayValue = values };
        }
        var element = value.GetValue<System.Text.Json.JsonElement>();
        return element.ValueKind switch
        {
            System.Text.Json.JsonValueKind.String => new AnyValue { StringValue = element.GetString() },
            System.Text.Json.JsonValueKind.True => new AnyValue { BoolValue = true },
            System.Text.Json.JsonValueKind.False => new AnyValue { BoolValue = false },
            System.Text.Json.JsonValueKind.Number when element.TryGetInt64(out var integer) => new AnyValue { IntValue = integer },
            System.Text.Json.JsonValueKind.Number => new AnyValue { DoubleValue = element.GetDouble() },
            _ => throw new InvalidDataException($"send.mjs printed an attribute value OTLP has no type for: {value.ToJsonString()}"),
        };
    }
}
