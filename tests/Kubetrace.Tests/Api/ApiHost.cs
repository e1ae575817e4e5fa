using System.Net;
using Kubetrace.Api;
using Kubetrace.Api.Jaeger;
using Kubetrace.Api.Native;
using Kubetrace.Api.Tempo;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Hosting;
using Kubetrace.Query.Budget;
using Kubetrace.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.Api;

/// <summary>One API (native, Jaeger or Tempo) served by Kestrel on a free loopback port over the given store.</summary>
internal sealed class ApiHost(WebApplication app, HttpClient client) : IAsyncDisposable
{
    public HttpClient Client => client;

    /// <param name="clock">The query server's clock ("now" for a request's default window); the system's by default.</param>
    public static async Task<ApiHost> StartAsync(string api, ITraceStore store, QueryLimits? limits = null, TimeProvider? clock = null)
    {
        var builder = KestrelHost.CreateBuilder(NullLoggerFactory.Instance);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var engines = new EngineSource(() => new StoreSource(store), "kubetrace", limits) { Clock = clock ?? TimeProvider.System };
        switch (api)
        {
            case "native": NativeApi.Map(app, new ApiHandler(engines, NativeErrors.Instance, NullLogger.Instance)); break;
            case "jaeger" or "jaeger-v3" or "jaeger-v3-summaries": JaegerApi.Map(app, new ApiHandler(engines, JaegerErrors.Instance, NullLogger.Instance)); break;
            default: TempoApi.Map(app, new ApiHandler(engines, TempoErrors.Instance, NullLogger.Instance)); break;
        }
        await app.StartAsync();
        return new ApiHost(app, new HttpClient { BaseAddress = new Uri(KestrelHost.BoundAddresses(app).Single()) });
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await app.DisposeAsync();
    }
}

/// <summary>A storage exporter's view of one open store, for an API served without the exporter.</summary>
internal sealed class StoreSource(ITraceStore store) : ITraceStoreSource
{
    public ITraceStore? Store => store;
}
