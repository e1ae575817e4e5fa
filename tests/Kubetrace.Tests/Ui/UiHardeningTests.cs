using System.Net;
using System.Net.Sockets;
using System.Text;
using Kubetrace.Api.Ui;
using Kubetrace.Tests.Api;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// The query port's UI hardening (docs/security.md): every UI answer carries the strict CSP with
/// <c>frame-ancestors 'none'</c>, nosniff, <c>X-Frame-Options: DENY</c> and no referrer; the port sends no CORS
/// headers; and no encoding of a path that steps out of the UI gets anything but a refusal. The targets are sent
/// over a raw socket, as written: an HTTP client would normalise them first.
/// </summary>
public sealed class UiHardeningTests(EmptyServer empty) : IClassFixture<EmptyServer>
{
    private HttpClient Query => empty.Server.Query;

    [Theory]
    [InlineData("/")]
    [InlineData("/ui/trace/5b8efff798038103d269b633813fc60c")]
    [InlineData("/ui/assets/app.js")]
    [InlineData("/ui/assets/app.css")]
    [InlineData("/ui/assets/nope.js")]
    public async Task Every_ui_answer_carries_the_hardening_headers(string url)
    {
        using var response = await Query.GetAsync(url);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Equal(WebUi.ContentSecurityPolicy, csp);
        foreach (var directive in new[] { "frame-ancestors 'none'", "script-src 'self'", "style-src 'self'", "object-src 'none'" })
            Assert.Contains(directive, csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task The_shell_has_no_inline_script_or_style_for_the_csp_to_block()
    {
        var shell = await Query.GetStringAsync("/ui");

        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>", shell);
        Assert.DoesNotContain("<style", shell, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"\s(style|on[a-z]+)=", shell);
    }

    [Theory]
    [InlineData("/ui/assets/app.js", "GET")]
    [InlineData("/api/v1/services", "GET")]
    [InlineData("/api/v1/services", "OPTIONS")]
    public async Task The_query_port_sends_no_cors_headers_to_another_origin(string url, string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        using var response = await Query.SendAsync(request);

        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Targets whose dot segments Kestrel itself resolves (plain or <c>%2e</c>) to a path no route serves:
    /// they never reach the UI, and the answer is Kestrel's 404.</summary>
    private static readonly string[] ResolvedByKestrel =
        ["/ui/assets/../../../../etc/passwd", "/ui/../../etc/passwd", "/ui/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd"];

    public static TheoryData<string, string> TraversalTargets => new()
    {
        { "plain dot segments", "/ui/assets/../../../../etc/passwd" },
        { "plain dot segments into the shell", "/ui/../../etc/passwd" },
        { "percent-encoded dots", "/ui/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd" },
        { "percent-encoded dots and slashes", "/ui/assets/..%2f..%2f..%2fetc%2fpasswd" },
        { "percent-encoded dots and slashes into the shell", "/ui/..%2F..%2F..%2Fetc%2Fpasswd" },
        { "double-encoded dots", "/ui/assets/%252e%252e/%252e%252e/etc/passwd" },
        { "double-encoded slashes", "/ui/assets/..%252f..%252fetc%252fpasswd" },
        { "triple-encoded dots", "/ui/assets/%25252e%25252e/etc/passwd" },
        { "backslashes", "/ui/assets/..\\..\\etc\\passwd" },
        { "encoded backslashes", "/ui/assets/..%5c..%5cetc%5cpasswd" },
        { "overlong UTF-8 dots", "/ui/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd" },
        { "overlong UTF-8 slash", "/ui/assets/..%c0%af..%c0%afetc%c0%afpasswd" },
        { "absolute path", "/ui/assets//etc/passwd" },
        { "absolute path, encoded", "/ui/assets/%2fetc%2fpasswd" },
        { "drive letter", "/ui/assets/C:/Windows/win.ini" },
        { "NUL", "/ui/assets/app.js%00.css" },
        { "single dot segment", "/ui/assets/./app.js/./." },
    };

    [Theory]
    [MemberData(nameof(TraversalTargets))]
    public async Task Static_file_serving_refuses_traversal_in_every_encoding(string encoding, string target)
    {
        var (status, headers, body) = await RawGetAsync(target);

        // 400 when it reaches the UI; Kestrel itself answers some (dot segments it resolves to a path no route
        // serves: 404; bytes it refuses in a target: 400). Never a file, never the shell.
        Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{encoding}: {target} answered {(int)status}: {body}");
        Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<!doctype", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("import ", body, StringComparison.Ordinal);
        if (!ResolvedByKestrel.Contains(target))
            Assert.True(status == HttpStatusCode.BadRequest, $"{encoding}: {target} answered {(int)status} ({body}), not a refusal");
        _ = headers;
    }

    [Theory]
    [InlineData("/ui/assets/app.js")]
    [InlineData("/ui/assets/pages/trace.js")]
    [InlineData("/ui/trace/5b8efff798038103d269b633813fc60c?span=eee19b7ec3c1b174")]
    public async Task Ordinary_ui_paths_still_answer(string target)
    {
        var (status, _, _) = await RawGetAsync(target);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    /// <summary>Sends the target exactly as written (no client normalisation) and reads the whole answer.</summary>
    private async Task<(HttpStatusCode Status, string Headers, string Body)> RawGetAsync(string target)
    {
        var address = Query.BaseAddress!;
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {address.Authority}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync();
        var split = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? answer : answer[..split];
        var status = (HttpStatusCode)int.Parse(head.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, head, split < 0 ? "" : answer[(split + 4)..]);
    }
}
