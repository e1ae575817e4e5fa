using Kubetrace.Api;
using Kubetrace.Api.Jaeger;
using Kubetrace.Api.Native;
using Kubetrace.Api.Tempo;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.Api;

/// <summary>What every API answers while the store is not open (the query server starts before the exporter).</summary>
public sealed class ApiHandlerTests
{
    [Theory]
    [InlineData("native", "{\"error\":{\"code\":503,\"message\":\"the trace store \\\"kubetrace\\\" is not open (starting or stopping)\"}}")]
    [InlineData("jaeger", "{\"data\":null,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":[{\"code\":503,\"msg\":\"the trace store \\\"kubetrace\\\" is not open (starting or stopping)\"}]}")]
    [InlineData("tempo", "the trace store \"kubetrace\" is not open (starting or stopping)\n")]
    public async Task Store_not_open_is_a_503_in_the_apis_format(string api, string body)
    {
        IErrorFormat format = api switch { "native" => NativeErrors.Instance, "jaeger" => JaegerErrors.Instance, _ => TempoErrors.Instance };
        var handler = new ApiHandler(new EngineSource(() => null, "kubetrace"), format, NullLogger.Instance);
        var called = false;
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };

        await handler.Handle((_, _) => { called = true; return Task.CompletedTask; })(context);

        Assert.False(called);
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal(body, System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }
}
