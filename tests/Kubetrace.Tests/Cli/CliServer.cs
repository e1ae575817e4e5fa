using Kubetrace.Tests.Api;

namespace Kubetrace.Tests.Cli;

/// <summary>A real query server (the API tests' <see cref="QueryServer"/>) holding <see cref="KnownTraces"/>, loaded through OTLP.</summary>
public sealed class CliServer : IAsyncLifetime
{
    public QueryServer Server { get; private set; } = null!;

    /// <summary>The query port's URL, as a user passes it to <c>--server</c>.</summary>
    public string Url => Server.QueryUrl;

    public async Task InitializeAsync()
    {
        Server = await QueryServer.StartAsync();
        await Server.PostOtlpJsonAsync(KnownTraces.OtlpJson(), "known traces");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
