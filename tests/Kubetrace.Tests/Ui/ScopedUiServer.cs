using Kubetrace.Tests.Api.Authorization;
using Microsoft.Playwright;

namespace Kubetrace.Tests.Ui;

/// <summary>The <see cref="ScopedQueryServer"/> (three namespaces, readers by policy) and a browser that signs in as one of its users.</summary>
public sealed class ScopedUiServer : IAsyncLifetime
{
    private HeadlessChromium? _browser;

    public ScopedQueryServer Server { get; } = new();

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        _browser = await HeadlessChromium.StartAsync();
    }

    /// <summary>A fresh page on the query port whose every request carries <paramref name="user"/>'s credentials.</summary>
    public Task<(IPage Page, List<string> ScriptErrors)> NewPageAsync(string user) =>
        _browser!.NewPageAsync(Server.QueryUrl, headers: [new("Authorization", "Basic " + ScopedQueryServer.BasicCredentials(user))]);

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        await Server.DisposeAsync();
    }
}
