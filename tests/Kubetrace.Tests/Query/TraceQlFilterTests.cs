using Kubetrace.Api;
using Kubetrace.Api.Tempo;
using Kubetrace.Storage;

namespace Kubetrace.Tests.Query;

/// <summary>The spanset filters Grafana writes, turned into the engine's conditions.</summary>
public sealed class TraceQlFilterTests
{
    [Theory]
    [InlineData("{}", "")]
    [InlineData("{ resource.service.name = \"apiserver\" && duration > 100ms }", "intrinsic.service Equal apiserver; intrinsic.duration Greater 100000000")]
    [InlineData("{ .foo=\"bar\" }", "any.foo Equal bar")]
    [InlineData("{span.http.status_code >= 500 && status = error}", "span.http.status_code GreaterOrEqual 500; intrinsic.status Equal error")]
    [InlineData("{ resource.k8s.namespace.name =~ \"kube-.*\" && kind = server }", "resource.k8s.namespace.name Regex kube-.*; intrinsic.kind Equal server")]
    [InlineData("{ name != \"GET /healthz\" && span:duration <= 1.5s }", "intrinsic.name NotEqual GET /healthz; intrinsic.duration LessOrEqual 1500000000")]
    [InlineData("{ .msg = \"say \\\"hi\\\"\" }", "any.msg Equal say \"hi\"")]
    public void Parses_spanset_filters(string query, string expected)
    {
        Assert.Equal(expected, string.Join("; ", TraceQlFilter.Parse(query).Select(c => c.Condition.ToString())));
    }

    [Theory]
    [InlineData("{ .a = 1 } | count() > 2", "unsupported TraceQL")]
    [InlineData("{ .a = 1 } >> { .b = 2 }", "unsupported TraceQL")]
    [InlineData("{ .a = 1 || .b = 2 }", "unsupported TraceQL: '||'")]
    [InlineData("{ .a !~ \"x\" }", "unsupported TraceQL: '!~'")]
    [InlineData("{ status = broken }", "status must be one of error, ok, unset")]
    [InlineData("{ kind = \"server\" }", "kind must be one of")]
    [InlineData("{ duration > 5 }", "duration needs a duration value")]
    [InlineData("{ .a = \"x }", "unterminated string")]
    [InlineData("{ .a }", "expected an operator")]
    [InlineData(".a = 1", "expected '{'")]
    [InlineData("{ foo = 1 }", "attribute 'foo'")]
    public void Rejects_what_it_cannot_run_with_a_clear_message(string query, string message)
    {
        Assert.Contains(message, Assert.Throws<BadQueryException>(() => TraceQlFilter.Parse(query)).Message);
    }
}
