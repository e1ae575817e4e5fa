namespace Kubetrace.Hosting;

/// <summary>
/// One socket a component listens on, as its configuration names it: the key (relative to the component), the
/// <c>host:port</c> written there, and how to replace it (for <c>serve --listen-all</c>).
/// </summary>
public sealed record ListenerSetting(string Key, string Endpoint, Action<string> Replace);

/// <summary>A component configuration that opens listening sockets.</summary>
public interface IListeningConfig
{
    IEnumerable<ListenerSetting> Listeners { get; }
}
