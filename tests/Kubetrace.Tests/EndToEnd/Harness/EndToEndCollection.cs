namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>
/// The end-to-end tests start real server processes; running them one at a time keeps them from starving each
/// other on a small CI machine (they still run beside the unit tests), and the seed-config test needs the
/// Collector's default ports to itself.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection
{
    public const string Name = "EndToEnd";
}
