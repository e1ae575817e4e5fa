using System.Net;
using System.Net.Http.Headers;
using Kubetrace.Tests.Api;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// How the query port serves the UI, over plain HTTP: every page URL is the shell (deep links survive a reload),
/// the modules come from the assembly with their media type, nothing may load from elsewhere, and an unchanged
/// file costs a 304.
/// </summary>
public sealed class WebUiServingTests(EmptyServer empty) : IClassFixture<EmptyServer>
{
    private HttpClient Query => empty.Server.Query;

    [Theory]
    [InlineData("/")]
    [InlineData("/ui")]
    [InlineData("/ui/trace/5b8efff798038103d269b633813fc60c?span=eee19b7ec3c1b174")]
    [InlineData("/ui/analyses/webhooks?since=15m")]
    public async Task Every_page_url_answers_the_shell_that_loads_the_app(string url)
    {
        using var response = await Query.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script type=\"module\" src=\"/ui/assets/app.js\"></script>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Modules_are_served_as_javascript_and_revalidated_by_etag()
    {
        using var first = await Query.GetAsync("/ui/assets/pages/trace.js");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/javascript", first.Content.Headers.ContentType?.MediaType);
        Assert.Contains("export async function renderTrace", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/ui/assets/pages/trace.js");
        again.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(first.Headers.ETag!.ToString()));
        using var revalidated = await Query.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Fact]
    public async Task An_unknown_asset_is_404_not_the_shell()
    {
        using var response = await Query.GetAsync("/ui/assets/nope.js");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("no UI file \"nope.js\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_apis_keep_their_paths_beside_the_ui()
    {
        using var response = await Query.GetAsync("/api/v1/services");

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }
}
