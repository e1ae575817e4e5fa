using System.Text.Json.Nodes;

namespace Kubetrace.Tests.Ui;

/// <summary>Traces of the UI fixture's simulated cluster that the trace view's tests open.</summary>
internal static class UiTraces
{
    /// <summary>A trace with a call to the planted slow webhook, and its spans as the native API gives them.</summary>
    public static async Task<(string TraceId, List<JsonNode> Spans)> WebhookTraceAsync(this UiServer ui)
    {
        var webhook = ui.Report.SlowWebhook!.Webhook;
        var found = await ui.ApiAsync($"/api/v1/search?service=apiserver&attr=webhook%3D{Uri.EscapeDataString(webhook)}&limit=1&{ui.Data.Query}");
        var traceId = found["traces"]![0]!["traceId"]!.GetValue<string>();
        var trace = await ui.ApiAsync($"/api/v1/traces/{traceId}");
        return (traceId, trace["resourceSpans"]!.AsArray().SelectMany(r => r!["scopeSpans"]!.AsArray()).SelectMany(s => s!["spans"]!.AsArray()).Select(s => s!).ToList());
    }

    /// <summary>A span's start or end (startTimeUnixNano, endTimeUnixNano) in Unix nanoseconds.</summary>
    public static ulong Nanos(this JsonNode span, string field) => ulong.Parse(span[field]!.GetValue<string>());
}
