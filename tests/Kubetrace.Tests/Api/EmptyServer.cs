namespace Kubetrace.Tests.Api;

/// <summary>A query server with an empty store, for cases that need "not found".</summary>
public sealed class EmptyServer : IAsyncLifetime
{
    public QueryServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await QueryServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
