using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>The trace view's header counts the trace's spans and errors as words read: one span, one error, two spans.</summary>
public sealed class TraceHeaderUiTests(DenseGraphUiServer ui) : IClassFixture<DenseGraphUiServer>
{
    [SkippableFact]
    public async Task A_one_span_trace_reads_1_span_and_a_trace_with_one_failed_call_reads_1_error()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        // worker's spans are alone in their traces (the call reached it only as a link); a failed payments call sits under checkout's span.
        var alone = await FirstTraceAsync("service=worker");
        var failed = await FirstTraceAsync("service=payments&status=error");

        await page.GotoAsync($"/ui/trace/{alone}");
        await Expect(page.Locator(".summary")).ToContainTextAsync(" · 1 span · 0 errors");

        await page.GotoAsync($"/ui/trace/{failed}");
        await Expect(page.Locator(".summary")).ToContainTextAsync(" · 2 spans · 1 error");
        Assert.Empty(scriptErrors);
    }

    private async Task<string> FirstTraceAsync(string conditions)
    {
        var found = await ui.ApiAsync($"/api/v1/search?{conditions}&{ui.Data.Query}&limit=1");
        return found["traces"]![0]!["traceId"]!.GetValue<string>();
    }
}
